import { linkIn, startTestInviteflow, type TestInviteflow } from '../support/harness';

let app: TestInviteflow;

const inviter = (userId: string) => ({ userId, roles: ['admin'] });

beforeAll(async () => {
  app = await startTestInviteflow();
  expect((await app.call('PUT', '/v1/workspaces/funnel', { name: 'Funnel' })).status).toBe(201);
});

afterAll(async () => {
  await app?.stop();
});

async function invite(email: string, by: string, extra: Record<string, unknown> = {}): Promise<string> {
  const response = await app.call('POST', '/v1/workspaces/funnel/invitations', {
    invitee: { email },
    roles: ['member'],
    inviter: inviter(by),
    ...extra,
  });
  expect(response.status).toBe(201);
  return response.body.id as string;
}

const stats = (query = '') => app.call('GET', `/v1/workspaces/funnel/stats${query}`);

test('counts the funnel by status, channel and inviter, with the acceptance rate and time to accept', async () => {
  const since = new Date(Date.now() - 1000).toISOString();
  await invite('ana@example.org', 'u-a');
  const ben = await invite('ben@example.org', 'u-a');
  await invite('cem@example.org', 'u-b');
  await invite('dia@example.org', 'u-b', { send: false });

  const mail = await app.catcher.waitFor((m) => m.to.includes('ana@example.org'));
  const token = linkIn(mail.text).searchParams.get('token')!;
  expect((await app.call('POST', '/v1/invitations/accept', { token, userId: 'user-ana' })).status).toBe(200);
  expect((await app.call('POST', `/v1/workspaces/funnel/invitations/${ben}/revoke`, {})).status).toBe(200);

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
