import { addWorkspaceKey } from '../support/api-keys';
import { startTestInviteflow, type TestInviteflow } from '../support/harness';
import { putWorkspaces } from '../support/workspaces';
import { invite } from '../support/invite';
import { addWebhookEndpoint } from '../support/webhook-endpoint';
import { startWebhookReceiver, verifyWebhook, type WebhookReceiver } from '../support/webhook-receiver';

let app: TestInviteflow;
let hooks: WebhookReceiver;
let webhookSecret: string;

const autoJoin = (mode: 'join' | 'request', domains = ['acme.example']) => ({ domains, mode, role: 'member' });

beforeAll(async () => {
  [app, hooks] = await Promise.all([startTestInviteflow(), startWebhookReceiver()]);
  await putWorkspaces(app, {
    joiners: { autoJoin: autoJoin('join') },
    seated: { autoJoin: autoJoin('join', ['seats.example']), seatLimit: 1 },
    'seated-asking': { autoJoin: autoJoin('request', ['seats.example']), seatLimit: 1 },
    asking: { autoJoin: autoJoin('request') },
    elsewhere: { autoJoin: autoJoin('join', ['other.example']) },
    invited: { autoJoin: autoJoin('join', ['labs.example']) },
    scoped: { autoJoin: autoJoin('join', ['scoped.example']) },
    'scoped-too': { autoJoin: autoJoin('join', ['scoped.example']) },
  });
  ({ secret: webhookSecret } = await addWebhookEndpoint(app, hooks));
});

afterAll(async () => {
  await app?.stop();
  await hooks?.close();
});

const register = (userId: string, email: string, emailVerified = true) =>
  app.call('POST', '/v1/registrations', { userId, email, emailVerified });

const byWorkspace = (joins: { workspaceId: string }[]): Record<string, any> =>
  Object.fromEntries(joins.map(({ workspaceId, ...rest }) => [workspaceId, rest]));

/** The first webhook of `type` whose payload `matches`. */
async function webhook(type: string, matches: (data: any) => boolean) {
  const hook = await hooks.waitFor((received) => {
    const payload = JSON.parse(received.body);
    return payload.type === type && matches(payload.data);
  });
  return verifyWebhook(hook, webhookSecret);
}

test('a verified email of a listed domain joins one workspace and asks to join the other', async () => {
  const registered = await register('u-ana', 'Ana@ACME.example');
  expect(registered.status).toBe(200);
  expect(byWorkspace(registered.body.domainJoins)).toEqual({
    joiners: { outcome: 'joined', invitationId: null, code: null },
    asking: { outcome: 'requested', invitationId: expect.stringMatching(/^inv_/), code: null },
  });

  const member = await app.call('GET', '/v1/workspaces/joiners/members/u-ana');
  expect(member.body).toMatchObject({ roles: ['member'], status: 'active', joinedVia: 'domain' });
  const joined = await webhook('member.joined', (data) => data.member.userId === 'u-ana');
  expect(joined.data.member).toMatchObject({ workspaceId: 'joiners', joinedVia: 'domain' });

  const { invitationId } = byWorkspace(registered.body.domainJoins).asking!;
  const requested = await app.call('GET', `/v1/workspaces/asking/invitations/${invitationId}`);
  expect(requested.body).toMatchObject({
    status: 'requested',
    roles: ['member'],
    invitee: { email: 'Ana@ACME.example', userId: 'u-ana' },
  });
  await webhook('invitation.requested', (data) => data.invitation.id === invitationId);

  // An inviter approves: the invitation goes to the user, who accepts it like any other.
  const approved = await app.call('POST', `/v1/workspaces/asking/invitations/${invitationId}/approve`, {
    approver: { userId: 'u-admin', roles: ['admin'] },
  });
  expect(approved.status).toBe(200);
  expect(approved.body.status).toBe('pending');
});

test('registering again joins nothing twice; the approved request is accepted like any matching invitation', async () => {
  const again = await register('u-ana', 'ana@acme.example');
  expect(again.body.matched).toEqual([
    { invitationId: expect.any(String), workspaceId: 'asking', method: 'email_match' },
  ]);
  expect(byWorkspace(again.body.domainJoins)).toEqual({
    joiners: { outcome: 'skipped', invitationId: null, code: 'already_member' },
  });
  expect((await app.call('GET', '/v1/workspaces/asking/members/u-ana')).body.joinedVia).toBe('match');
});

test('a request still waiting for approval is not made twice', async () => {
  const first = await register('u-fay', 'fay@acme.example');
  const { invitationId } = byWorkspace(first.body.domainJoins).asking;
  const again = await register('u-fay', 'fay@acme.example');
  expect(byWorkspace(again.body.domainJoins).asking).toEqual({
    outcome: 'skipped',
    invitationId,
    code: 'already_invited',
  });
});

test('an unverified email, or another domain, joins nothing', async () => {
  expect((await register('u-unverified', 'bo@acme.example', false)).body.domainJoins).toEqual([]);
  expect((await register('u-sub', 'bo@eu.acme.example')).body.domainJoins).toEqual([]);
});

test('the seat limit holds for joins and requests alike: past it they are skipped with its code', async () => {
  expect(byWorkspace((await register('u-bo', 'bo@seats.example')).body.domainJoins)).toEqual({
    seated: { outcome: 'joined', invitationId: null, code: null },
    'seated-asking': { outcome: 'requested', invitationId: expect.any(String), code: null },
  });
  expect(byWorkspace((await register('u-cy', 'cy@seats.example')).body.domainJoins)).toEqual({
    seated: { outcome: 'skipped', invitationId: null, code: 'seat_limit_reached' },
    'seated-asking': { outcome: 'skipped', invitationId: null, code: 'seat_limit_reached' },
  });
  expect((await app.call('GET', '/v1/workspaces/seated/members/u-cy')).status).toBe(404);
});

test('a workspace whose invitation the registration accepted is joined once, by the invitation', async () => {
  await invite(app, { workspace: 'invited', invitee: { email: 'dee@labs.example' }, body: { roles: ['member'] } });
  const registered = await register('u-dee', 'dee@labs.example');
  expect(registered.body.matched).toEqual([
    { invitationId: expect.any(String), workspaceId: 'invited', method: 'email_match' },
  ]);
  expect(registered.body.domainJoins).toEqual([]);
  const member = await app.call('GET', '/v1/workspaces/invited/members/u-dee');
  expect(member.body.joinedVia).toBe('match');
});

test("a workspace key's registration joins its own workspace only", async () => {
  const key = await addWorkspaceKey(app, 'scoped');
  const registered = await fetch(`${app.apiUrl}/v1/registrations`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ userId: 'u-eve', email: 'eve@scoped.example', emailVerified: true }),
  });
  const body = (await registered.json()) as { domainJoins: { workspaceId: string }[] };
  expect(body.domainJoins.map((join) => join.workspaceId)).toEqual(['scoped']);
});
