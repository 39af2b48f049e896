import { addWorkspaceKey } from '../support/api-keys';
import { startTestInviteflow, type TestInviteflow } from '../support/harness';
import { invite } from '../support/invite';
import {
  startWebhookReceiver,
  verifyWebhook,
  type ReceivedWebhook,
  type WebhookReceiver,
} from '../support/webhook-receiver';
import { addWebhookEndpoint } from '../support/webhook-endpoint';

let app: TestInviteflow;
let hooks: WebhookReceiver;
let webhookSecret: string;
let endpointId: string;

const settings = { roles: ['admin', 'member', 'viewer'] };

beforeAll(async () => {
  [app, hooks] = await Promise.all([startTestInviteflow(), startWebhookReceiver()]);
  ({ secret: webhookSecret, id: endpointId } = await addWebhookEndpoint(app, hooks));
});

afterAll(async () => {
  await app?.stop();
  await hooks?.close();
});

let workspaceCount = 0;

/** A fresh workspace per test, so each sees only the members it made. */
async function newWorkspace(): Promise<string> {
  workspaceCount += 1;
  const id = `members-${workspaceCount}`;
  expect((await app.call('PUT', `/v1/workspaces/${id}`, { name: id, settings })).status).toBe(201);
  return id;
}

/** Makes a member the way hosts do: invite by email, then accept with the token from the email. */
async function join(workspace: string, userId: string, roles: string[], groups: string[] = []) {
  const email = `${userId}@${workspace}.example.org`;
  const { token } = await invite(app, { workspace, invitee: { email }, body: { roles, groups }, tokenFrom: 'email' });
  const accepted = await app.call('POST', '/v1/invitations/accept', { token, userId });
  expect(accepted.status).toBe(200);
}

const userIds = (page: { data: { userId: string }[] }) => page.data.map((member) => member.userId);

function verified(hook: ReceivedWebhook): { id: string; type: string; data: any } {
  return { id: String(hook.headers['webhook-id']), ...verifyWebhook(hook, webhookSecret) };
}

/** The first signed webhook of a type about a member that also passes `also`, verified. */
function memberWebhook(
  type: string,
  workspace: string,
  userId: string,
  also: (data: any, hook: ReceivedWebhook) => boolean = () => true,
) {
  return hooks
    .waitFor((hook) => {
      const body = JSON.parse(hook.body);
      return (
        body.type === type &&
        body.data.member?.workspaceId === workspace &&
        body.data.member?.userId === userId &&
        also(body.data, hook)
      );
    })
    .then(verified);
}

/** How many deliveries of an event type the outbox holds for our endpoint. */
async function deliveriesOf(type: string): Promise<number> {
  const page = await app.call('GET', `/v1/webhook-endpoints/${endpointId}/deliveries`);
  const deliveries: { eventType: string }[] = page.body.data;
  return deliveries.filter((delivery) => delivery.eventType === type).length;
}

test('lists members newest first, filtered by status, role and group, one page at a time', async () => {
  const ws = await newWorkspace();
  await join(ws, 'ana', ['admin'], ['eng']);
  await join(ws, 'ben', ['member'], ['eng', 'ops']);
  await join(ws, 'cy', ['member', 'viewer']);
  const list = (query = '') => app.call('GET', `/v1/workspaces/${ws}/members${query}`);

  const all = await list();
  expect(all.status).toBe(200);
  expect(userIds(all.body)).toEqual(['cy', 'ben', 'ana']);
  expect(all.body.nextCursor).toBeNull();
  expect(all.body.data[2]).toEqual({
    workspaceId: ws,
    userId: 'ana',
    roles: ['admin'],
    groups: ['eng'],
    status: 'active',
    joinedVia: 'invitation',
    joinedAt: expect.any(String),
    expiresAt: null,
    sponsor: null,
  });

  expect(userIds((await list('?role=member')).body)).toEqual(['cy', 'ben']);
  expect(userIds((await list('?role=viewer')).body)).toEqual(['cy']);
  expect(userIds((await list('?group=eng')).body)).toEqual(['ben', 'ana']);
  expect(userIds((await list('?group=ops&role=member')).body)).toEqual(['ben']);
  expect(userIds((await list('?group=nobody')).body)).toEqual([]);
  expect(userIds((await list('?status=active')).body)).toEqual(['cy', 'ben', 'ana']);
  expect(userIds((await list('?status=disabled')).body)).toEqual([]);

  const first = await list('?limit=1');
  expect(userIds(first.body)).toEqual(['cy']);
  expect(first.body.nextCursor).toEqual(expect.any(String));
  const second = await list(`?limit=1&cursor=${first.body.nextCursor}`);
  expect(userIds(second.body)).toEqual(['ben']);
  const third = await list(`?limit=1&cursor=${second.body.nextCursor}`);
  expect(userIds(third.body)).toEqual(['ana']);
  expect(third.body.nextCursor).toBeNull();
  // The cursor carries on under the same filter.
  const filtered = await list('?role=member&limit=1');
  expect(userIds((await list(`?role=member&limit=1&cursor=${filtered.body.nextCursor}`)).body)).toEqual(['ben']);

  const badCursor = await list('?cursor=not-a-cursor');
  expect(badCursor.status).toBe(422);
  expect(badCursor.body.errors).toEqual([{ field: 'query.cursor', message: expect.any(String) }]);
  const badStatus = await list('?status=banned');
  expect(badStatus.status).toBe(422);
  expect(badStatus.body.errors.map((error: { field: string }) => error.field)).toEqual(['query.status']);
});

test('PATCH changes roles, groups and status, each change announced by its own signed member.updated', async () => {
  const ws = await newWorkspace();
  await join(ws, 'dee', ['member'], ['eng']);
  const path = `/v1/workspaces/${ws}/members/dee`;

  const got = await app.call('GET', path);
  expect(got.status).toBe(200);
  expect(got.body).toMatchObject({ userId: 'dee', roles: ['member'], groups: ['eng'], status: 'active' });

  const promoted = await app.call('PATCH', path, { roles: ['admin', 'viewer'], groups: [] });
  expect(promoted.status).toBe(200);
  expect(promoted.body).toMatchObject({ userId: 'dee', roles: ['admin', 'viewer'], groups: [], status: 'active' });
  expect((await app.call('GET', path)).body).toEqual(promoted.body);
  const updated = await memberWebhook('member.updated', ws, 'dee');
  expect(updated.data).toEqual({
    member: promoted.body,
    changes: { roles: { from: ['member'], to: ['admin', 'viewer'] }, groups: { from: ['eng'], to: [] } },
  });

  // Disabled, enabled, disabled again: the two disablings carry equal data, yet are two events.
  for (const status of ['disabled', 'active', 'disabled']) {
    const answer = await app.call('PATCH', path, { status });
    expect(answer.body).toMatchObject({ status, roles: ['admin', 'viewer'] });
  }
  const disabledTo = (data: any) => data.changes.status?.to === 'disabled';
  const firstDisabled = await memberWebhook('member.updated', ws, 'dee', disabledTo);
  const secondDisabled = await memberWebhook(
    'member.updated',
    ws,
    'dee',
    (data, hook) => disabledTo(data) && hook.headers['webhook-id'] !== firstDisabled.id,
  );
  expect(secondDisabled.data.changes).toEqual({ status: { from: 'active', to: 'disabled' } });
  expect(secondDisabled.data.member.status).toBe('disabled');
  expect(userIds((await app.call('GET', `/v1/workspaces/${ws}/members?status=disabled`)).body)).toEqual(['dee']);
  expect(userIds((await app.call('GET', `/v1/workspaces/${ws}/members?status=active`)).body)).toEqual([]);

  // A patch that changes nothing is answered, but announces nothing.
  const before = await deliveriesOf('member.updated');
  expect(before).toBe(4);
  const unchanged = await app.call('PATCH', path, { status: 'disabled', roles: ['admin', 'viewer'] });
  expect(unchanged.status).toBe(200);
  expect(unchanged.body.status).toBe('disabled');
  expect(await deliveriesOf('member.updated')).toBe(before);
});

test('PATCH refuses unknown roles by field, empty or malformed patches, and unknown members', async () => {
  const ws = await newWorkspace();
  await join(ws, 'eve', ['member']);
  const path = `/v1/workspaces/${ws}/members/eve`;

  const unknownRole = await app.call('PATCH', path, { roles: ['member', 'superuser'] });
  expect(unknownRole.status).toBe(422);
  expect(unknownRole.body).toMatchObject({
    code: 'unknown_role',
    errors: [{ field: '/roles/1', message: 'role "superuser" does not exist in this workspace' }],
  });
  expect((await app.call('GET', path)).body.roles).toEqual(['member']);

  const empty = await app.call('PATCH', path, {});
  expect(empty.status).toBe(422);
  expect(empty.body.code).toBe('validation_failed');
  const badStatus = await app.call('PATCH', path, { status: 'banned' });
  expect(badStatus.status).toBe(422);
  expect(badStatus.body.errors.map((error: { field: string }) => error.field)).toEqual(['/status']);
  const noRoles = await app.call('PATCH', path, { roles: [] });
  expect(noRoles.body.errors.map((error: { field: string }) => error.field)).toEqual(['/roles']);

  const nobody = await app.call('PATCH', `/v1/workspaces/${ws}/members/nobody`, { status: 'disabled' });
  expect(nobody.status).toBe(404);
  expect(nobody.body.code).toBe('member_not_found');
  expect((await app.call('GET', `/v1/workspaces/no-such-ws/members`)).body.code).toBe('workspace_not_found');
});

test('DELETE removes the member and announces member.removed with the member as it was', async () => {
  const ws = await newWorkspace();
  await join(ws, 'fay', ['viewer'], ['ops']);
  await join(ws, 'gus', ['member']);
  const path = `/v1/workspaces/${ws}/members/fay`;

  const removed = await app.call('DELETE', path);
  expect(removed.status).toBe(204);
  expect(removed.body).toBeUndefined();
  const webhook = await memberWebhook('member.removed', ws, 'fay');
  expect(webhook.data).toEqual({
    member: {
      workspaceId: ws,
      userId: 'fay',
      roles: ['viewer'],
      groups: ['ops'],
      status: 'active',
      joinedVia: 'invitation',
      joinedAt: expect.any(String),
      expiresAt: null,
      sponsor: null,
    },
  });

  const gone = await app.call('GET', path);
  expect(gone.status).toBe(404);
  expect(gone.body.code).toBe('member_not_found');
  expect((await app.call('DELETE', path)).body.code).toBe('member_not_found');
  expect(userIds((await app.call('GET', `/v1/workspaces/${ws}/members`)).body)).toEqual(['gus']);
});

test("a workspace key reaches its own workspace's members only", async () => {
  const [own, other] = [await newWorkspace(), await newWorkspace()];
  await join(own, 'hal', ['member']);
  await join(other, 'ivy', ['member']);
  const key = await addWorkspaceKey(app, own);
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${app.apiUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as any };
  };

  const ownList = await call('GET', `/v1/workspaces/${own}/members`);
  expect(ownList.status).toBe(200);
  expect(userIds(ownList.body)).toEqual(['hal']);
  expect((await call('PATCH', `/v1/workspaces/${own}/members/hal`, { status: 'disabled' })).body.status).toBe(
    'disabled',
  );

  // Another workspace looks missing, so a key cannot tell which exist.
  expect((await call('GET', `/v1/workspaces/${other}/members`)).body.code).toBe('workspace_not_found');
  expect((await call('GET', `/v1/workspaces/${other}/members/ivy`)).status).toBe(404);
  expect((await call('PATCH', `/v1/workspaces/${other}/members/ivy`, { status: 'disabled' })).status).toBe(404);
  expect((await call('DELETE', `/v1/workspaces/${other}/members/ivy`)).status).toBe(404);
  // Nor through its own workspace's path.
  expect((await call('GET', `/v1/workspaces/${own}/members/ivy`)).body.code).toBe('member_not_found');
  expect((await app.call('GET', `/v1/workspaces/${other}/members/ivy`)).body.status).toBe('active');
});
