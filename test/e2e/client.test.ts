import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import {
  InviteflowClient,
  InviteflowError,
  isInviteflowError,
  verifyWebhook,
  WebhookVerificationError,
} from 'inviteflow/client';
import { linkIn, startTestInviteflow, type TestInviteflow } from '../support/harness';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';

let app: TestInviteflow;
let receiver: WebhookReceiver;
let client: InviteflowClient;
const ws = 'client-acme';
const inviter = { userId: 'u-admin', roles: ['admin'] };

beforeAll(async () => {
  [app, receiver] = await Promise.all([startTestInviteflow(), startWebhookReceiver()]);
  client = new InviteflowClient({ baseUrl: app.apiUrl, apiKey: app.apiKey });
});

afterAll(async () => {
  await receiver?.close();
  await app?.stop();
});

/** The token of the link in the latest email about an invitation. */
async function tokenFor(invitationId: string): Promise<string> {
  const mail = await app.catcher.waitFor((m) => (m.messageId ?? '').includes(invitationId));
  return linkIn(mail.text).searchParams.get('token')!;
}

/** Waits until `condition` holds, asking again every 100 ms. */
async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`not true within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function refusal(promise: Promise<unknown>): Promise<InviteflowError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof InviteflowError)) throw new Error(`expected an InviteflowError, got ${String(error)}`);
  return error;
}

test('the client drives an invitation from a new workspace to a member, and reads its webhook deliveries', async () => {
  const workspace = await client.workspaces.put(ws, { name: 'Acme', settings: { resendInterval: '0s' } });
  expect(workspace).toMatchObject({ id: ws, name: 'Acme', settings: { invitationTtl: '7d', defaultRole: 'member' } });
  expect((await client.workspaces.get(ws)).name).toBe('Acme');
  const endpoint = await client.webhookEndpoints.create({
    url: receiver.url,
    workspaceId: ws,
    events: ['invitation.accepted', 'member.joined'],
  });
  expect(endpoint.secret).toMatch(/^whsec_/);

  const created = await client.invitations.create(ws, { invitee: { email: 'ana@example.org', name: 'Ana' }, inviter });
  expect(created).toMatchObject({ workspaceId: ws, status: 'pending', roles: ['member'] });
  const firstToken = await tokenFor(created.id);

  const page = await client.invitations.list(ws, { status: 'pending', limit: 10 });
  expect(page.data.map((invitation) => invitation.id)).toContain(created.id);
  expect(page.nextCursor).toBeNull();
  const fetched = await client.invitations.get(ws, created.id);
  expect(fetched.events.map((event) => event.type)).toContain('created');

  const resent = await client.invitations.resend(ws, created.id, { by: 'u-admin' });
  expect(resent.sendCount).toBe(2);
  expect((await client.invitations.link(ws, created.id)).url).toContain(encodeURIComponent(firstToken));

  const png = await client.invitations.qrPng(ws, created.id);
  expect([...png.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
  const svg = new TextDecoder().decode(await client.invitations.qrSvg(ws, created.id));
  expect(svg).toContain('<svg');
  const pdf = await client.invitations.printPdf(ws, created.id, { size: 'letter' });
  expect(new TextDecoder().decode(pdf.subarray(0, 5))).toBe('%PDF-');

  const lookup = await client.invitations.lookup(firstToken);
  expect(lookup).toMatchObject({ invitation: { id: created.id, status: 'pending' }, workspace: { id: ws } });
  const accepted = await client.invitations.accept({ token: firstToken, userId: 'user-ana' });
  expect(accepted.invitation.status).toBe('accepted');
  expect(accepted.member).toMatchObject({ userId: 'user-ana', joinedVia: 'invitation', status: 'active' });
  const members = await client.members.list(ws);
  expect(members.data.map((member) => member.userId)).toEqual(['user-ana']);
  expect((await client.members.get(ws, 'user-ana')).roles).toEqual(['member']);

  const again = await refusal(client.invitations.accept({ token: firstToken, userId: 'user-eve' }));
  expect(isInviteflowError(again, 'invitation_already_accepted')).toBe(true);
  expect(again).toMatchObject({ status: 409, code: 'invitation_already_accepted' });

  const hook = await receiver.waitFor((received) => received.body.includes('"invitation.accepted"'));
  const event = verifyWebhook(hook.body, hook.headers, endpoint.secret);
  expect(event.type).toBe('invitation.accepted');
  if (event.type === 'invitation.accepted') expect(event.data.invitation.id).toBe(created.id);

  await until(async () =>
    (await client.webhookEndpoints.deliveries(endpoint.id)).data.some(
      (delivery) => delivery.eventType === 'invitation.accepted' && delivery.status === 'delivered',
    ),
  );
});

test('revoking ends an invitation, and its link is then as invalid as one that never was', async () => {
  await client.workspaces.put('client-revoke', { name: 'Revoke' });
  const created = await client.invitations.create('client-revoke', { invitee: { email: 'bo@example.org' }, inviter });
  const token = await tokenFor(created.id);
  expect((await client.invitations.revoke('client-revoke', created.id)).status).toBe('revoked');
  const refused = await refusal(client.invitations.accept({ token, userId: 'user-bo' }));
  expect(refused.code).toBe('invalid_token');
  expect(refused.detail).toEqual(expect.any(String));
});

test('bulk imports, invitation codes, members and endpoint settings go through the client too', async () => {
  const team = 'client-team';
  await client.workspaces.put(team, { name: 'Team' });
  const imported = await client.bulk.createFromCsv(team, 'email,name\ncsv@example.org,Cas\nnot-an-email,X\n', {
    inviterUserId: 'u-admin',
    inviterRoles: 'admin',
  });
  expect(imported.rows.map((row) => [row.line, row.code])).toEqual([
    [2, null],
    [3, 'invalid_email'],
  ]);
  // Finished before the endpoint below exists, so none of its events goes there and the replay finds none.
  let progress = await client.bulk.get(team, imported.id);
  for (let attempt = 0; attempt < 100 && progress.status !== 'completed'; attempt += 1) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    progress = await client.bulk.get(team, imported.id);
  }
  expect(progress).toMatchObject({ id: imported.id, status: 'completed' });

  const { code } = await client.invitationCode.get(team);
  const { member } = await client.join({ code, userId: 'user-coder' });
  expect(member).toMatchObject({ workspaceId: team, joinedVia: 'code' });
  const rotated = await client.invitationCode.rotate(team);
  expect(rotated.code).not.toBe(code);
  expect((await refusal(client.join({ code, userId: 'user-late' }))).code).toBe('invalid_code');
  expect((await client.members.update(team, 'user-coder', { status: 'disabled' })).status).toBe('disabled');
  await client.members.remove(team, 'user-coder');
  expect((await refusal(client.members.get(team, 'user-coder'))).code).toBe('member_not_found');

  const endpoint = await client.webhookEndpoints.create({ url: receiver.url, workspaceId: team });
  const changed = await client.webhookEndpoints.update(endpoint.id, { description: 'audit log', disabled: true });
  expect(changed).toMatchObject({ description: 'audit log', disabledAt: expect.any(String) });
  const rotatedSecret = await client.webhookEndpoints.rotateSecret(endpoint.id, { graceSeconds: 60 });
  expect(rotatedSecret.secret).not.toBe(endpoint.secret);
  const refusedReplay = await refusal(
    client.webhookEndpoints.replay(endpoint.id, { since: new Date(0).toISOString() }),
  );
  expect(refusedReplay.code).toBe('webhook_endpoint_disabled');
  await client.webhookEndpoints.update(endpoint.id, { disabled: false });
  expect(await client.webhookEndpoints.replay(endpoint.id, { since: new Date(0).toISOString() })).toEqual({
    replayed: 0,
  });
  await client.webhookEndpoints.delete(endpoint.id);
  expect((await client.webhookEndpoints.list()).data.map((listed) => listed.id)).not.toContain(endpoint.id);
});

test('a problem answer becomes an InviteflowError with its code, title and field errors', async () => {
  const invalid = await refusal(client.invitations.create(ws, { invitee: { email: 'not an email' }, inviter }));
  expect(invalid).toMatchObject({ status: 422, code: 'validation_failed', title: 'The request is not valid' });
  expect(invalid.errors.map((error) => error.field)).toContain('/invitee/email');

  const unknown = await refusal(client.invitations.lookup('not-a-token'));
  expect(isInviteflowError(unknown, 'invalid_token', 'invalid_code')).toBe(true);
  expect(isInviteflowError(unknown, 'invitation_expired')).toBe(false);
  expect(unknown.status).toBe(404);

  const wrongKey = new InviteflowClient({ baseUrl: app.apiUrl, apiKey: 'nobody' });
  expect((await refusal(wrongKey.workspaces.get(ws))).code).toBe('unauthorized');
});

test("a workspace's caps, domain auto-join and invite links are typed through the client too", async () => {
  await client.workspaces.put('client-capped', {
    name: 'Capped',
    settings: {
      caps: { invitationsPerInviterPerDay: 1 },
      autoJoin: { domains: ['capped.example'], mode: 'join', role: 'member' },
    },
  });
  await client.invitations.create('client-capped', { invitee: { email: 'one@example.org' }, inviter });
  const capped = await refusal(
    client.invitations.create('client-capped', { invitee: { email: 'two@example.org' }, inviter }),
  );
  // A wait of about a day is beyond the retry policy's cap: the caller gets it, with the seconds to wait.
  expect(isInviteflowError(capped, 'invitation_cap_reached')).toBe(true);
  expect(capped.retryAfterSeconds).toBeGreaterThan(86_000);

  const registered = await client.registrations.create({
    userId: 'u-capped',
    email: 'u@capped.example',
    emailVerified: true,
  });
  expect(registered.domainJoins).toEqual([
    { workspaceId: 'client-capped', outcome: 'joined', invitationId: null, code: null },
  ]);

  const link = await client.inviteLinks.create('client-capped', { groups: ['crew'], maxUses: 1 });
  const { member } = await client.inviteLinks.redeem({ token: link.token, userId: 'u-linked' });
  expect(member).toMatchObject({ groups: ['crew'], joinedVia: 'link' });
  const used = await refusal(client.inviteLinks.redeem({ token: link.token, userId: 'u-late' }));
  expect(isInviteflowError(used, 'invalid_link')).toBe(true);
  expect((await client.inviteLinks.redemptions('client-capped', link.id)).data.map((entry) => entry.userId)).toEqual([
    'u-linked',
  ]);
});

test("visitorAddress counts a visitor's failed tries against that visitor, not the host", async () => {
  const forged = `inv_forged.${'A'.repeat(43)}`;
  const guesser = { visitorAddress: '198.51.100.77' };
  // The default cap is 10 failed tries per visitor within 15 minutes.
  for (let n = 0; n < 10; n += 1) expect((await refusal(client.invitations.lookup(forged, guesser))).status).toBe(404);
  const capped = await refusal(
    new InviteflowClient({ baseUrl: app.apiUrl, apiKey: app.apiKey, maxRetries: 0 }).invitations.lookup(
      forged,
      guesser,
    ),
  );
  expect([capped.status, capped.code]).toEqual([429, 'too_many_attempts']);
  expect((await refusal(client.invitations.lookup(forged, { visitorAddress: '2001:db8::7' }))).status).toBe(404);

  const malformed = await refusal(client.invitations.lookup(forged, { visitorAddress: 'somewhere' }));
  expect([malformed.status, malformed.errors.map((error) => error.field)]).toEqual([
    422,
    ['header.Inviteflow-Forwarded-For'],
  ]);
});

test('verifyWebhook accepts a real delivery, with a second signature beside it, and rejects a tampered one', async () => {
  await client.workspaces.put('client-hooks', { name: 'Hooks' });
  const endpoint = await client.webhookEndpoints.create({ url: receiver.url, workspaceId: 'client-hooks' });
  const created = await client.invitations.create('client-hooks', { invitee: { email: 'cy@example.org' }, inviter });
  const hook = await receiver.waitFor((received) => received.body.includes(created.id));
  const event = verifyWebhook(Buffer.from(hook.body), hook.headers, endpoint.secret);
  expect(event.type).toMatch(/^invitation\./);
  expect(event.data).toMatchObject({ invitation: { id: created.id } });
  expect(Date.parse(event.timestamp)).not.toBeNaN();

  // During a secret rotation a delivery carries a signature per secret: either secret verifies it.
  const otherSecret = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
  const timestamp = new Date(Number(hook.headers['webhook-timestamp']) * 1000);
  const otherSignature = new Webhook(otherSecret).sign(String(hook.headers['webhook-id']), timestamp, hook.body);
  const rotating: IncomingHttpHeaders = {
    ...hook.headers,
    'webhook-signature': `${otherSignature} ${String(hook.headers['webhook-signature'])}`,
  };
  expect(verifyWebhook(hook.body, rotating, endpoint.secret)).toEqual(event);
  expect(verifyWebhook(hook.body, new Headers(rotating as Record<string, string>), otherSecret)).toEqual(event);

  const tampered = hook.body.replace(created.id, 'inv_someone_else');
  expect(() => verifyWebhook(tampered, hook.headers, endpoint.secret)).toThrow(WebhookVerificationError);
  const reasons = [
    () => verifyWebhook(tampered, hook.headers, endpoint.secret),
    () => verifyWebhook(hook.body, { ...hook.headers, 'webhook-signature': undefined }, endpoint.secret),
    () => verifyWebhook(hook.body, hook.headers, otherSecret),
  ].map((verify) => {
    try {
      verify();
      return 'verified';
    } catch (error) {
      return error instanceof WebhookVerificationError ? error.reason : String(error);
    }
  });
  expect(reasons).toEqual(['bad_signature', 'missing_headers', 'bad_signature']);
});

describe('retries, against a stand-in for the network edge', () => {
  let server: Server;
  let baseUrl = '';
  const seen: { at: number; idempotencyKey: string | undefined }[] = [];
  let answers: { status: number; retryAfter?: string }[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push({ at: Date.now(), idempotencyKey: req.headers['idempotency-key'] as string | undefined });
      const answer = answers.shift() ?? { status: 200 };
      if (answer.status === 200) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: 'inv_standin' }));
        return;
      }
      const code = answer.status === 429 ? 'resend_too_soon' : 'unavailable';
      res
        .writeHead(answer.status, {
          'content-type': 'application/problem+json',
          ...(answer.retryAfter === undefined ? {} : { 'retry-after': answer.retryAfter }),
        })
        .end(JSON.stringify({ type: `/problems/${code}`, title: code, status: answer.status, code, detail: code }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  beforeEach(() => {
    seen.length = 0;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const invite = (standIn: InviteflowClient) =>
    standIn.invitations.create('acme', { invitee: { email: 'ana@example.org' }, inviter });

  test('a 503 is retried after its Retry-After in seconds, with the same Idempotency-Key', async () => {
    answers = [{ status: 503, retryAfter: '1' }];
    const created = await invite(new InviteflowClient({ baseUrl, apiKey: 'key' }));
    expect(created.id).toBe('inv_standin');
    expect(seen).toHaveLength(2);
    expect(seen[0]!.idempotencyKey).toMatch(/^[\x21-\x7e]{1,255}$/);
    expect(seen[1]!.idempotencyKey).toBe(seen[0]!.idempotencyKey);
    expect(seen[1]!.at - seen[0]!.at).toBeGreaterThanOrEqual(950);
  });

  test('Retry-After as an HTTP date is honoured too', async () => {
    answers = [{ status: 503, retryAfter: new Date(Date.now() + 2000).toUTCString() }];
    await invite(new InviteflowClient({ baseUrl, apiKey: 'key' }));
    expect(seen).toHaveLength(2);
    expect(seen[1]!.at - seen[0]!.at).toBeGreaterThanOrEqual(900);
  });

  test('a 429 is retried under a new key: the API remembers the refusal under the first', async () => {
    answers = [{ status: 429, retryAfter: '0' }];
    await invite(new InviteflowClient({ baseUrl, apiKey: 'key' }));
    expect(seen).toHaveLength(2);
    expect(seen[1]!.idempotencyKey).not.toBe(seen[0]!.idempotencyKey);
  });

  test('retries are bounded, and a wait beyond the cap is left to the caller', async () => {
    answers = [
      { status: 503, retryAfter: '0' },
      { status: 503, retryAfter: '0' },
      { status: 503, retryAfter: '0' },
    ];
    const exhausted = await refusal(invite(new InviteflowClient({ baseUrl, apiKey: 'key', maxRetries: 2 })));
    expect(exhausted).toMatchObject({ status: 503, code: 'unavailable', retryAfterSeconds: 0 });
    expect(seen).toHaveLength(3);

    seen.length = 0;
    answers = [{ status: 503, retryAfter: '3600' }];
    const tooLong = await refusal(invite(new InviteflowClient({ baseUrl, apiKey: 'key' })));
    expect(tooLong.retryAfterSeconds).toBe(3600);
    expect(seen).toHaveLength(1);
  });
});
