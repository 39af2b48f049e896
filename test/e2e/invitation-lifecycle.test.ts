import { startTestInviteflow, type TestInviteflow } from '../support/harness';
import { tokenFromEmail, invite, type InviteOptions } from '../support/invite';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';
import { addWebhookEndpoint } from '../support/webhook-endpoint';

let app: TestInviteflow;
let hooks: WebhookReceiver;
let webhookSecret: string;

const admin = { userId: 'u-admin', roles: ['admin'], name: 'Ada Admin' };

beforeAll(async () => {
  [app, hooks] = await Promise.all([startTestInviteflow(), startWebhookReceiver()]);
  // No resend interval where the tests resend right after sending; `paced` keeps one.
  expect(
    (await app.call('PUT', '/v1/workspaces/acme', { name: 'Acme', settings: { resendInterval: '0s' } })).status,
  ).toBe(201);
  expect(
    (
      await app.call('PUT', '/v1/workspaces/short', {
        name: 'Short',
        settings: { invitationTtl: '2s', resendInterval: '0s' },
      })
    ).status,
  ).toBe(201);
  expect(
    (await app.call('PUT', '/v1/workspaces/paced', { name: 'Paced', settings: { resendInterval: '1m' } })).status,
  ).toBe(201);
  ({ secret: webhookSecret } = await addWebhookEndpoint(app, hooks));
});

afterAll(async () => {
  await app?.stop();
  await hooks?.close();
});

/** An Acme member's invitation by the admin, with the token from its email unless told otherwise. */
const invited = (email: string, { body, ...options }: Partial<InviteOptions> = {}) =>
  invite(app, {
    workspace: 'acme',
    invitee: { email, name: 'Invitee' },
    tokenFrom: 'email',
    ...options,
    body: { roles: ['member'], inviter: admin, ...body },
  });

const webhookFor = (invitationId: string, type: string) => hooks.invitationEvent(webhookSecret, invitationId, type);

test('invite -> email -> lookup -> accept -> signed webhook -> listed as accepted', async () => {
  const invitation = await invited('ana@example.org');
  expect(invitation.status).toBe('pending');

  const { token } = invitation;
  const lookup = await app.call('GET', `/v1/invitations/lookup?token=${encodeURIComponent(token)}`);
  expect(lookup.status).toBe(200);
  expect(lookup.body.workspace).toEqual({ id: 'acme', name: 'Acme' });
  expect(lookup.body.invitation).toMatchObject({ id: invitation.id, status: 'pending', roles: ['member'] });
  expect(
    (await app.call('GET', `/v1/invitations/lookup?token=${encodeURIComponent(token)}`)).body.invitation.status,
  ).toBe('pending');

  const accepted = await app.call('POST', '/v1/invitations/accept', { token, userId: 'user-ana' });
  expect(accepted.status).toBe(200);
  expect(accepted.body.invitation).toMatchObject({ status: 'accepted', acceptedBy: 'user-ana' });
  expect(accepted.body.member).toMatchObject({
    workspaceId: 'acme',
    userId: 'user-ana',
    roles: ['member'],
    joinedVia: 'invitation',
  });

  // A host retrying the same acceptance gets the same answer; anyone else a conflict.
  const retried = await app.call('POST', '/v1/invitations/accept', { token, userId: 'user-ana' });
  expect(retried.status).toBe(200);
  expect(retried.body.invitation.acceptedAt).toBe(accepted.body.invitation.acceptedAt);
  expect((await app.call('POST', '/v1/invitations/accept', { token, userId: 'user-eve' })).body.code).toBe(
    'invitation_already_accepted',
  );

  const webhook = await webhookFor(invitation.id, 'invitation.accepted');
  expect(webhook.data.invitation).toMatchObject({ id: invitation.id, status: 'accepted', acceptedBy: 'user-ana' });
  expect(webhook.data.sequence).toBe(3);

  const list = await app.call('GET', '/v1/workspaces/acme/invitations?status=accepted');
  expect(list.body.data.map((row: { id: string }) => row.id)).toContain(invitation.id);
  const detail = await app.call('GET', `/v1/workspaces/acme/invitations/${invitation.id}`);
  expect(detail.body.events.map((event: { type: string }) => event.type)).toEqual(['created', 'sent', 'accepted']);
});

test('two concurrent accepts of one invitation: exactly one wins', async () => {
  const invitation = await invited('race@example.org');
  const { token } = invitation;
  const answers = await Promise.all(
    ['user-1', 'user-2', 'user-3'].map((userId) => app.call('POST', '/v1/invitations/accept', { token, userId })),
  );
  expect(answers.map((answer) => answer.status).sort()).toEqual([200, 409, 409]);
  const loser = answers.find((answer) => answer.status === 409)!;
  expect(loser.body.code).toBe('invitation_already_accepted');
  expect(loser.headers.get('content-type')).toContain('application/problem+json');
  const winner = answers.find((answer) => answer.status === 200)!;
  const detail = await app.call('GET', `/v1/workspaces/acme/invitations/${invitation.id}`);
  expect(detail.body.acceptedBy).toBe(winner.body.invitation.acceptedBy);
});

test('revoke: the link stops working and the host hears of it', async () => {
  const invitation = await invited('rev@example.org');
  const { token } = invitation;
  const revoked = await app.call('POST', `/v1/workspaces/acme/invitations/${invitation.id}/revoke`, { by: 'u-admin' });
  expect(revoked.status).toBe(200);
  expect(revoked.body.status).toBe('revoked');
  await webhookFor(invitation.id, 'invitation.revoked');
  // The link holder learns no more than from a link that never was.
  const accept = await app.call('POST', '/v1/invitations/accept', { token, userId: 'user-x' });
  expect(accept.status).toBe(404);
  expect(accept.body.code).toBe('invalid_token');
  expect((await app.call('POST', `/v1/workspaces/acme/invitations/${invitation.id}/resend`, {})).body.code).toBe(
    'invitation_revoked',
  );
});

test('decline: the invitee says no', async () => {
  const invitation = await invited('dec@example.org');
  const { token } = invitation;
  const declined = await app.call('POST', '/v1/invitations/decline', { token });
  expect(declined.status).toBe(200);
  expect(declined.body.invitation.status).toBe('declined');
  await webhookFor(invitation.id, 'invitation.declined');
  expect((await app.call('POST', '/v1/invitations/accept', { token, userId: 'u' })).body.code).toBe('invalid_token');
});

test('resend: same link, a fresh expiry, and the link still accepts', async () => {
  const invitation = await invited('again@example.org');
  const firstToken = invitation.token;
  await new Promise((resolve) => setTimeout(resolve, 20));
  const resent = await app.call('POST', `/v1/workspaces/acme/invitations/${invitation.id}/resend`, {});
  expect(resent.status).toBe(200);
  expect(resent.body.sendCount).toBe(2);
  expect(Date.parse(resent.body.expiresAt)).toBeGreaterThan(Date.parse(invitation.expiresAt));
  const secondToken = await tokenFromEmail(app, invitation.id, 2);
  expect(secondToken).toBe(firstToken);
  await webhookFor(invitation.id, 'invitation.resent');
  const accepted = await app.call('POST', '/v1/invitations/accept', { token: firstToken, userId: 'user-again' });
  expect(accepted.body.invitation.status).toBe('accepted');
});

test('a resend sooner than the workspace resendInterval: 429 with Retry-After, and nothing sent', async () => {
  const invitation = await invited('paced@example.org', { workspace: 'paced' });

  const refused = await app.call('POST', `/v1/workspaces/paced/invitations/${invitation.id}/resend`, {});
  expect(refused.status).toBe(429);
  expect(refused.headers.get('content-type')).toContain('application/problem+json');
  expect(refused.body).toMatchObject({ status: 429, code: 'resend_too_soon' });
  const retryAfter = Number(refused.headers.get('retry-after'));
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
  expect(refused.body.detail).toContain(`resent in ${retryAfter} s`);

  // Asking again at once changes nothing either.
  expect((await app.call('POST', `/v1/workspaces/paced/invitations/${invitation.id}/resend`, {})).status).toBe(429);
  const detail = await app.call('GET', `/v1/workspaces/paced/invitations/${invitation.id}`);
  expect(detail.body.sendCount).toBe(1);
  expect(detail.body.events.map((event: { type: string }) => event.type)).toEqual(['created', 'sent']);
  expect(app.catcher.messages().filter((mail) => mail.to.includes('paced@example.org'))).toHaveLength(1);
});

test('expiry fires from the durable timer; a resend revives the same link', async () => {
  const invitation = await invited('late@example.org', { workspace: 'short' });
  const { token } = invitation;
  const expired = await webhookFor(invitation.id, 'invitation.expired');
  expect(expired.data.invitation.status).toBe('expired');
  expect((await app.call('GET', `/v1/workspaces/short/invitations/${invitation.id}`)).body.status).toBe('expired');
  const refused = await app.call('POST', '/v1/invitations/accept', { token, userId: 'user-late' });
  expect(refused.status).toBe(404);
  expect(refused.body.code).toBe('invalid_token');

  const resent = await app.call('POST', `/v1/workspaces/short/invitations/${invitation.id}/resend`, {});
  expect(resent.body.status).toBe('pending');
  expect((await app.call('POST', '/v1/invitations/accept', { token, userId: 'user-late' })).status).toBe(200);
});

test('register first, send later', async () => {
  const invitation = await invited('later@example.org', { body: { send: false }, tokenFrom: 'api' });
  expect(invitation.status).toBe('registered');
  const registered = await app.call('GET', '/v1/workspaces/acme/invitations?status=registered');
  expect(registered.body.data.map((row: { id: string }) => row.id)).toContain(invitation.id);
  expect((await app.call('POST', `/v1/workspaces/acme/invitations/${invitation.id}/resend`, {})).body.code).toBe(
    'invitation_not_sent',
  );

  const sent = await app.call('POST', `/v1/workspaces/acme/invitations/${invitation.id}/send`, {});
  expect(sent.body).toMatchObject({ status: 'pending', sendCount: 1 });
  const link = await app.call('GET', `/v1/workspaces/acme/invitations/${invitation.id}/link`);
  expect(link.body.url).toContain(encodeURIComponent(await tokenFromEmail(app, invitation.id)));
  expect((await app.call('POST', `/v1/workspaces/acme/invitations/${invitation.id}/send`, {})).body.code).toBe(
    'invitation_already_sent',
  );
});

test('operators find the run by its search attributes; its ID and attributes carry no personal data', async () => {
  const invitation = await invited('findme@example.org');
  const query = `InvitationStatus = 'pending' AND WorkspaceId = 'acme' AND WorkflowId = 'invitation-${invitation.id}'`;
  let found: { workflowId: string; searchAttributes: Record<string, unknown> } | undefined;
  for (let attempt = 0; attempt < 50 && !found; attempt += 1) {
    for await (const run of app.client.workflow.list({ query })) found = run;
    if (!found) await new Promise((resolve) => setTimeout(resolve, 200));
  }
  expect(found?.workflowId).toBe(`invitation-${invitation.id}`);
  const described = JSON.stringify([found!.workflowId, found!.searchAttributes]);
  expect(described).not.toContain('findme');
  expect(described).toContain('pending');
});

test('expiresIn overrides the workspace TTL within 1 hour to 90 days', async () => {
  const before = Date.now();
  const invitation = await invited('override@example.org', { body: { expiresIn: '2h' } });
  const lifetime = Date.parse(invitation.expiresAt) - before;
  expect(lifetime).toBeGreaterThan(2 * 3_600_000 - 60_000);
  expect(lifetime).toBeLessThanOrEqual(2 * 3_600_000 + 60_000);

  for (const expiresIn of ['30m', '91d', 'soon']) {
    const refused = await app.call('POST', '/v1/workspaces/acme/invitations', {
      invitee: { email: `too-${expiresIn}@example.org` },
      inviter: admin,
      expiresIn,
    });
    expect(refused.status).toBe(422);
    expect(refused.body.errors.map((error: { field: string }) => error.field)).toEqual(['/expiresIn']);
  }
});
