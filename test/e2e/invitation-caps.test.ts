import { completedImport, startTestInviteflow, type TestInviteflow } from '../support/harness';
import { putWorkspaces } from '../support/workspaces';

let app: TestInviteflow;
/** A second API process of the same deployment: the caps are counted in PostgreSQL, for both. */
let other: TestInviteflow;

const inviter = (userId: string) => ({ userId, roles: ['admin'] });

beforeAll(async () => {
  app = await startTestInviteflow();
  other = await startTestInviteflow({}, { sameDeploymentAs: app, worker: false });
  await putWorkspaces(app, {
    daily: { caps: { invitationsPerInviterPerDay: 2, invitationsPerDay: 3 } },
    open: { caps: { openInvitations: 2 } },
    racing: { caps: { invitationsPerDay: 5 } },
    bulk: { caps: { invitationsPerInviterPerDay: 2 } },
  });
});

afterAll(async () => {
  await other?.stop();
  await app?.stop();
});

const create = (through: TestInviteflow, workspace: string, email: string, by = 'u-ada') =>
  through.call('POST', `/v1/workspaces/${workspace}/invitations`, { invitee: { email }, inviter: inviter(by) });

test('settings refuse a cap that is not a positive whole number, naming it', async () => {
  const refused = await app.call('PUT', '/v1/workspaces/bad-caps', {
    name: 'Bad',
    settings: { caps: { openInvitations: 0 } },
  });
  expect(refused.status).toBe(422);
  expect(refused.body.errors).toEqual([{ field: '/settings/caps/openInvitations', message: expect.any(String) }]);
  const shown = await app.call('GET', '/v1/workspaces/daily');
  expect(shown.body.settings.caps).toEqual({
    invitationsPerInviterPerDay: 2,
    invitationsPerDay: 3,
    openInvitations: null,
  });
});

test("an inviter's daily cap, then the workspace's, answer 429 with Retry-After; inviting someone again is no new one", async () => {
  expect((await create(app, 'daily', 'd1@example.org')).status).toBe(201);
  expect((await create(other, 'daily', 'd2@example.org')).status).toBe(201);

  const third = await create(app, 'daily', 'd3@example.org');
  expect(third.status).toBe(429);
  expect(third.body.code).toBe('invitation_cap_reached');
  const retryAfter = Number(third.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThan(86_000);
  expect(retryAfter).toBeLessThanOrEqual(86_400);

  // The person already invited gets the open invitation (200), cap or not.
  expect((await create(app, 'daily', 'd1@example.org')).status).toBe(200);

  // Another inviter still has room, until the workspace's three are made.
  expect((await create(other, 'daily', 'd3@example.org', 'u-bob')).status).toBe(201);
  const fourth = await create(app, 'daily', 'd4@example.org', 'u-carl');
  expect(fourth.status).toBe(429);
  expect(fourth.body.detail).toContain('the workspace');
});

test('the open-invitations cap answers 409 until one closes', async () => {
  const first = await create(app, 'open', 'o1@example.org');
  expect((await create(app, 'open', 'o2@example.org')).status).toBe(201);
  const refused = await create(app, 'open', 'o3@example.org');
  expect(refused.status).toBe(409);
  expect(refused.body.code).toBe('open_invitations_cap_reached');
  expect(refused.headers.get('retry-after')).toBeNull();

  expect((await app.call('POST', `/v1/workspaces/open/invitations/${first.body.id}/revoke`, {})).status).toBe(200);
  expect((await create(app, 'open', 'o3@example.org')).status).toBe(201);
});

test('creates racing on two API processes make exactly the workspace cap', async () => {
  const answers = await Promise.all(
    Array.from({ length: 12 }, (_, i) => create(i % 2 === 0 ? app : other, 'racing', `r${i}@example.org`, `u-${i}`)),
  );
  const statuses = answers.map((answer) => answer.status).sort();
  expect(statuses).toEqual([...Array(5).fill(201), ...Array(7).fill(429)]);
  const listed = await app.call('GET', '/v1/workspaces/racing/invitations?limit=50');
  expect(listed.body.data).toHaveLength(5);
});

test('a bulk import sends the rows within the cap and fails the rest with its code', async () => {
  const accepted = await app.call('POST', '/v1/workspaces/bulk/invitations/bulk', {
    emails: 'b1@example.org, b2@example.org, b3@example.org, b4@example.org',
    roles: ['member'],
    inviter: inviter('u-ada'),
  });
  expect(accepted.status).toBe(202);
  const report = await completedImport(app, 'bulk', accepted.body.id);
  expect(report).toMatchObject({ status: 'completed', sent: 2, failed: 2 });
  const rows = (await app.call('GET', `/v1/workspaces/bulk/invitations/bulk/${accepted.body.id}`)).body.rows as {
    code: string | null;
  }[];
  expect(rows.map((row) => row.code ?? 'sent').sort()).toEqual([
    'invitation_cap_reached',
    'invitation_cap_reached',
    'sent',
    'sent',
  ]);
});
