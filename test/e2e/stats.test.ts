import { startTestInviteflow, type TestInviteflow } from '../support/harness';
import { tokenFromEmail, invite } from '../support/invite';

let app: TestInviteflow;

const inviter = (userId: string) => ({ userId, roles: ['admin'] });

beforeAll(async () => {
  app = await startTestInviteflow();
  expect((await app.call('PUT', '/v1/workspaces/funnel', { name: 'Funnel' })).status).toBe(201);
});

afterAll(async () => {
  await app?.stop();
});

const invited = (email: string, by: string, body: Record<string, unknown> = {}) =>
  invite(app, { workspace: 'funnel', invitee: { email }, body: { roles: ['member'], inviter: inviter(by), ...body } });

const stats = (query = '') => app.call('GET', `/v1/workspaces/funnel/stats${query}`);

test('counts the funnel by status, channel and inviter, with the acceptance rate and time to accept', async () => {
  const since = new Date(Date.now() - 1000).toISOString();
  const ana = await invited('ana@example.org', 'u-a');
  const ben = await invited('ben@example.org', 'u-a');
  await invited('cem@example.org', 'u-b');
  await invited('dia@example.org', 'u-b', { send: false });

  // Accepted once its email is out, as an invitee would.
  const token = await tokenFromEmail(app, ana.id);
  expect((await app.call('POST', '/v1/invitations/accept', { token, userId: 'user-ana' })).status).toBe(200);
  expect((await app.call('POST', `/v1/workspaces/funnel/invitations/${ben.id}/revoke`, {})).status).toBe(200);

  // The projection follows the workflows a moment later.
  let answer = await stats(`?from=${encodeURIComponent(since)}`);
  for (let tries = 0; answer.body.byStatus?.accepted !== 1 && tries < 50; tries += 1) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    answer = await stats(`?from=${encodeURIComponent(since)}`);
  }
  expect(answer.status).toBe(200);
  expect(answer.body).toMatchObject({
    workspaceId: 'funnel',
    from: since,
    total: 4,
    reached: 3,
    accepted: 1,
    acceptanceRate: 0.3333,
    byStatus: { registered: 1, pending: 1, accepted: 1, revoked: 1, declined: 0, expired: 0, requested: 0 },
    byChannel: [{ channel: 'email', total: 4, reached: 3, accepted: 1, acceptanceRate: 0.3333 }],
    byInviter: [
      { userId: 'u-a', total: 2, reached: 2, accepted: 1, acceptanceRate: 0.5 },
      { userId: 'u-b', total: 2, reached: 1, accepted: 0, acceptanceRate: 0 },
    ],
  });
  expect(answer.body.medianSecondsToAccept).toBeGreaterThanOrEqual(0);
  expect(answer.body.medianSecondsToAccept).toBeLessThan(60);
});

test('a period before any invitation counts nothing', async () => {
  const answer = await stats('?from=2020-01-01T00:00:00Z&to=2020-02-01T00:00:00Z');
  expect(answer.status).toBe(200);
  expect(answer.body).toMatchObject({
    total: 0,
    reached: 0,
    acceptanceRate: null,
    medianSecondsToAccept: null,
    byChannel: [],
    byInviter: [],
  });
});

test('a period that ends before it starts is a 422 naming `from`', async () => {
  const answer = await stats('?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z');
  expect(answer.status).toBe(422);
  expect(answer.body.code).toBe('validation_failed');
  expect(JSON.stringify(answer.body)).toContain('from');
});

test('an unknown workspace is a 404', async () => {
  const answer = await app.call('GET', '/v1/workspaces/nowhere/stats');
  expect(answer.status).toBe(404);
  expect(answer.body.code).toBe('workspace_not_found');
});
