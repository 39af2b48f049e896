import { startTestInviteflow, type TestInviteflow } from '../support/harness';
import { invite } from '../support/invite';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';
import { addWebhookEndpoint } from '../support/webhook-endpoint';

let app: TestInviteflow;
let hooks: WebhookReceiver;
let webhookSecret: string;

const inviter = { userId: 'u-admin', roles: ['admin'] };

beforeAll(async () => {
  hooks = await startWebhookReceiver();
  app = await startTestInviteflow();
  for (const ws of ['north', 'south']) {
    expect((await app.call('PUT', `/v1/workspaces/${ws}`, { name: ws })).status).toBe(201);
  }
  ({ secret: webhookSecret } = await addWebhookEndpoint(app, hooks));
});

afterAll(async () => {
  await app?.stop();
  await hooks?.close();
});

/** Invitations no channel delivers: the tests reach them by registration or by their link. */
const invited = (workspace: string, invitee: Record<string, unknown>, headers?: Record<string, string>) =>
  invite(app, { workspace, invitee, body: { channels: [] }, headers });

const register = (body: Record<string, unknown>) => app.call('POST', '/v1/registrations', body);

test('a verified phone, written any way, matches the consented invitations of every workspace and accepts them', async () => {
  const north = await invited('north', { phone: '+34 612 34 56 78', phoneConsent: true, name: 'Lucía' });
  const south = await invited('south', { phone: '0034 612 345 678', phoneCountry: 'ES', phoneConsent: true });

  // The host knows the user's number in national form, and where they live.
  const registered = await register({
    userId: 'user-lucia',
    phone: '612 34 56 78',
    phoneCountry: 'es',
    phoneVerified: true,
  });
  expect(registered.status).toBe(200);
  expect(registered.body).toEqual({
    userId: 'user-lucia',
    matched: [
      { invitationId: north.id, workspaceId: 'north', method: 'phone_match' },
      { invitationId: south.id, workspaceId: 'south', method: 'phone_match' },
    ],
    skipped: [],
    // No workspace here auto-joins by domain, and a phone has none.
    domainJoins: [],
  });

  const accepted = await hooks.invitationEvent(webhookSecret, north.id, 'invitation.accepted');
  expect(accepted.data).toMatchObject({
    method: 'phone_match',
    invitation: { status: 'accepted', acceptedBy: 'user-lucia' },
  });
  const member = await app.call('GET', '/v1/workspaces/north/members/user-lucia');
  expect(member.body).toMatchObject({ joinedVia: 'match', roles: ['member'] });
  const detail = await app.call('GET', `/v1/workspaces/north/invitations/${north.id}`);
  expect(detail.body.events.at(-1)).toMatchObject({ type: 'accepted', by: 'user-lucia', method: 'phone_match' });

  // The matched invitation's link no longer lets anyone else in.
  const stolen = await app.call('POST', '/v1/invitations/accept', { token: north.token, userId: 'user-mallory' });
  expect(stolen.status).toBe(409);
  expect(stolen.body.code).toBe('invitation_already_accepted');
});

test('an unverified contact matches nothing; a verified email matches whatever its case', async () => {
  const pau = await invited('north', { email: 'Pau.Vidal@Example.org' });

  const unverified = await register({ userId: 'user-pau', email: 'pau.vidal@example.org', emailVerified: false });
  expect(unverified.body.matched).toEqual([]);
  expect((await app.call('GET', `/v1/workspaces/north/invitations/${pau.id}`)).body.status).toBe('pending');

  const verified = await register({ userId: 'user-pau', email: 'PAU.VIDAL@example.org', emailVerified: true });
  expect(verified.body.matched).toEqual([{ invitationId: pau.id, workspaceId: 'north', method: 'email_match' }]);
});

test('a member already in the workspace is skipped, not accepted twice', async () => {
  await invited('south', { email: 'kim@example.org' });
  await register({ userId: 'user-kim', email: 'kim@example.org', emailVerified: true });
  const second = await invited('south', { email: 'kim.work@example.org' });

  const again = await register({ userId: 'user-kim', email: 'kim.work@example.org', emailVerified: true });
  expect(again.body).toMatchObject({
    matched: [],
    skipped: [{ invitationId: second.id, workspaceId: 'south', code: 'already_member' }],
  });
});

test('an invitation made for an account is skipped as wrong_account for any other, and matched for it', async () => {
  const forKim = await invited('north', { email: 'kim@example.org', userId: 'user-kim' });
  const other = await register({ userId: 'user-not-kim', email: 'kim@example.org', emailVerified: true });
  expect(other.body).toMatchObject({
    matched: [],
    skipped: [{ invitationId: forKim.id, workspaceId: 'north', code: 'wrong_account' }],
  });
  const kim = await register({ userId: 'user-kim', email: 'kim@example.org', emailVerified: true });
  expect(kim.body.matched).toEqual([{ invitationId: forKim.id, workspaceId: 'north', method: 'email_match' }]);
});

test('accepting again answers the membership as it is now: disabled, or 409 once removed', async () => {
  const { token } = await invite(app, {
    workspace: 'south',
    invitee: { email: 'again@example.org' },
    tokenFrom: 'email',
  });
  const accept = () => app.call('POST', '/v1/invitations/accept', { token, userId: 'user-again' });
  expect((await accept()).body.member).toMatchObject({ userId: 'user-again', status: 'active' });

  const member = '/v1/workspaces/south/members/user-again';
  expect((await app.call('PATCH', member, { status: 'disabled' })).status).toBe(200);
  const disabled = await accept();
  expect([disabled.status, disabled.body.member.status]).toEqual([200, 'disabled']);

  expect((await app.call('DELETE', member)).status).toBe(204);
  const removed = await accept();
  expect([removed.status, removed.body.code]).toEqual([409, 'invitation_already_accepted']);
});

test('bad registrations are 422s naming the field', async () => {
  const badPhone = await register({ userId: 'user-x', phone: '+34 12', phoneVerified: true });
  expect(badPhone.status).toBe(422);
  expect(badPhone.body.errors[0].field).toBe('/phone');
  const nothing = await register({ userId: 'user-x' });
  expect(nothing.status).toBe(422);
  const national = await register({ userId: 'user-x', phone: '612 34 56 78', phoneVerified: true });
  expect(national.body.errors).toEqual([
    { field: '/phone', message: 'must be a valid international phone number, e.g. +33612345678' },
  ]);
  const country = await register({ userId: 'user-x', phone: '612 34 56 78', phoneCountry: 'XX' });
  expect(country.body.errors[0].field).toBe('/phoneCountry');
});

test('erasure removes the email, phone and name everywhere the projection copied them', async () => {
  const email = 'erase.me@example.org';
  const phone = '+33699887766';
  const { id } = await invited(
    'north',
    { email, phone, phoneConsent: true, name: 'Erin Erasable' },
    {
      'idempotency-key': 'erase-me-1',
    },
  );
  await hooks.invitationEvent(webhookSecret, id, 'invitation.created');

  const erased = await app.call('DELETE', `/v1/workspaces/north/invitations/${id}/personal-data`);
  expect(erased.status).toBe(200);
  expect(erased.body).toMatchObject({
    status: 'pending',
    invitee: { email: null, phone: null, name: null },
    erasedAt: expect.any(String),
  });
  const announced = await hooks.invitationEvent(webhookSecret, id, 'invitee.erased');
  expect(announced.data.invitation.invitee).toMatchObject({ email: null, phone: null, name: null });

  const link = await app.call('GET', `/v1/workspaces/north/invitations/${id}/link`);
  const lookup = await app.call(
    'GET',
    `/v1/invitations/lookup?token=${new URL(link.body.url).searchParams.get('token')}`,
  );
  expect(lookup.body.invitation).toMatchObject({
    invitee: { email: null, phone: null, name: null },
    erasedAt: expect.any(String),
  });

  const tables = await app.orm.em
    .fork()
    .getConnection()
    .execute<{ table_name: string }[]>(
      `select table_name from information_schema.tables where table_schema = 'public'`,
    );
  for (const { table_name: table } of tables) {
    const rows = await app.orm.em.fork().getConnection().execute(`select * from "${table}"`);
    const dump = JSON.stringify(rows);
    expect({ table, email: dump.includes(email) }).toEqual({ table, email: false });
    expect({ table, phone: dump.includes(phone) }).toEqual({ table, phone: false });
    expect({ table, name: dump.includes('Erin Erasable') }).toEqual({ table, name: false });
  }
});

test('erasure reaches the bulk imports that named the person, and their stored answers', async () => {
  const email = 'bulk.erase@example.org';
  const bulkOf = (key: string) =>
    app.call(
      'POST',
      '/v1/workspaces/north/invitations/bulk',
      { entries: [{ email, name: 'Bea Bulkerased' }], inviter, send: false },
      { 'idempotency-key': key },
    );
  const first = await bulkOf('bulk-erase-1');
  expect(first.status).toBe(202);
  interface Report {
    status: string;
    rows: { email: string | null; outcome: string; invitationId: string | null }[];
  }
  const report = async (id: string): Promise<Report> =>
    (await app.call('GET', `/v1/workspaces/north/invitations/bulk/${id}`)).body as Report;
  for (let tries = 0; tries < 100 && (await report(first.body.id)).status !== 'completed'; tries += 1) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const row = (await report(first.body.id)).rows[0]!;
  expect(row).toMatchObject({ email, outcome: 'sent', invitationId: expect.any(String) });
  // A second import of the same person is refused as already invited to that invitation.
  const second = await bulkOf('bulk-erase-2');
  expect(second.body.rows[0]).toMatchObject({ email, code: 'already_invited', invitationId: row.invitationId });

  expect((await app.call('DELETE', `/v1/workspaces/north/invitations/${row.invitationId}/personal-data`)).status).toBe(
    200,
  );
  for (const id of [first.body.id, second.body.id]) expect((await report(id)).rows[0]!.email).toBeNull();
  for (const table of ['bulk_rows', 'idempotency_keys']) {
    const dump = JSON.stringify(await app.orm.em.fork().execute(`select * from ${table}`));
    expect({ table, email: dump.includes(email), name: dump.includes('Bulkerased') }).toEqual({
      table,
      email: false,
      name: false,
    });
  }
});

test('a closed invitation is erased in the projection, with its event and webhook', async () => {
  const { id, token } = await invited('south', { email: 'closed@example.org', name: 'Cleo Closed' });
  expect((await app.call('POST', '/v1/invitations/accept', { token, userId: 'user-cleo' })).status).toBe(200);
  await app.client.workflow.getHandle(`invitation-${id}`).result();

  const erased = await app.call('DELETE', `/v1/workspaces/south/invitations/${id}/personal-data`);
  expect(erased.status).toBe(200);
  expect(erased.body).toMatchObject({
    status: 'accepted',
    acceptedBy: 'user-cleo',
    invitee: { email: null, name: null },
  });
  await hooks.invitationEvent(webhookSecret, id, 'invitee.erased');
  const detail = await app.call('GET', `/v1/workspaces/south/invitations/${id}`);
  expect(detail.body.events.map((event: { type: string }) => event.type)).toEqual([
    'created',
    'sent',
    'accepted',
    'erased',
  ]);
  expect(detail.body.invitee).toMatchObject({ email: null, name: null });

  // Asking again changes nothing.
  const again = await app.call('DELETE', `/v1/workspaces/south/invitations/${id}/personal-data`);
  expect(again.body.events).toHaveLength(4);
  expect(again.body.erasedAt).toBe(erased.body.erasedAt);
});
