import { startTestInviteflow, type TestInviteflow } from '../support/harness';

let app: TestInviteflow;

beforeAll(async () => {
  app = await startTestInviteflow();
  const settings = {
    inviterRoles: ['admin', 'manager'],
    roles: ['admin', 'manager', 'member'],
    grants: { manager: ['member'] },
  };
  expect((await app.call('PUT', '/v1/workspaces/acme', { name: 'Acme', settings })).status).toBe(201);
});

afterAll(async () => {
  await app?.stop();
});

const invite = (email: string, roles: string[], inviterRoles: string[]) =>
  app.call('POST', '/v1/workspaces/acme/invitations', {
    invitee: { email },
    roles,
    inviter: { userId: 'u-1', roles: inviterRoles },
    send: false,
  });

test('only inviter roles may invite: 403 with a stable code', async () => {
  const refused = await invite('a@example.org', ['member'], ['member']);
  expect(refused.status).toBe(403);
  expect(refused.body).toMatchObject({ code: 'inviter_not_allowed', errors: [{ field: '/inviter/roles' }] });
});

test('a role is granted only by someone allowed to grant it', async () => {
  expect((await invite('b@example.org', ['member'], ['manager'])).status).toBe(201);
  const refused = await invite('c@example.org', ['member', 'admin'], ['manager']);
  expect(refused.status).toBe(403);
  expect(refused.body).toMatchObject({ code: 'role_not_grantable', errors: [{ field: '/roles/1' }] });
  expect((await invite('c@example.org', ['admin'], ['admin'])).status).toBe(201);
});

test('roles must exist in the workspace', async () => {
  const refused = await invite('d@example.org', ['owner'], ['admin']);
  expect(refused.status).toBe(422);
  expect(refused.body).toMatchObject({ code: 'unknown_role', errors: [{ field: '/roles/0' }] });
});
