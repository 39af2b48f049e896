import { startTestInviteflow, type TestInviteflow } from '../support/harness';
import { startWebhookReceiver, verifyWebhook, type WebhookReceiver } from '../support/webhook-receiver';
import { addWebhookEndpoint } from '../support/webhook-endpoint';

let app: TestInviteflow;
let hooks: WebhookReceiver;
let webhookSecret: string;

const inviterQuery = 'inviterUserId=u-admin&inviterRoles=admin&inviterName=Ada';

beforeAll(async () => {
  hooks = await startWebhookReceiver();
  app = await startTestInviteflow();
  for (const ws of ['plant', 'tiny', 'big']) {
    const settings = ws === 'tiny' ? { seatLimit: 3 } : {};
    expect((await app.call('PUT', `/v1/workspaces/${ws}`, { name: ws, settings })).status).toBe(201);
  }
  // Only the import's own event: a webhook per invitation would be a thousand deliveries to wait behind.
  ({ secret: webhookSecret } = await addWebhookEndpoint(app, hooks, { events: ['bulk.completed'] }));
});

afterAll(async () => {
  await app?.stop();
  await hooks?.close();
});

async function postCsv(ws: string, csv: string, query = inviterQuery) {
  const response = await fetch(`${app.apiUrl}/v1/workspaces/${ws}/invitations/bulk?${query}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${app.apiKey}`, 'content-type': 'text/csv' },
    body: csv,
  });
  return { status: response.status, body: (await response.json()) as any };
}

async function finished(ws: string, id: string): Promise<any> {
  for (let waited = 0; waited < 120_000; waited += 250) {
    const bulk = await app.call('GET', `/v1/workspaces/${ws}/invitations/bulk/${id}`);
    if (bulk.body.status !== 'running') return bulk.body;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`import ${id} never finished`);
}

test('a 500-row CSV sends 500 emails; the bad rows are reported with their lines and go nowhere', async () => {
  // Someone already invited, before the import.
  const earlier = await app.call('POST', '/v1/workspaces/plant/invitations', {
    invitee: { email: 'already@example.org' },
    inviter: { userId: 'u-admin', roles: ['admin'] },
  });
  const good = Array.from({ length: 500 }, (_, i) => `person${i}@example.org,"Person ${i}, Jr.",member`);
  const csv = [
    '\uFEFFEmail,Name,Roles',
    ...good.slice(0, 250),
    'not-an-email,Bad,member',
    'PERSON0@example.org,Twice,member',
    'already@example.org,Again,member',
    'x@example.org,Wrong role,owner',
    ...good.slice(250),
  ].join('\r\n');

  const accepted = await postCsv('plant', csv);
  expect(accepted.status).toBe(202);
  expect(accepted.body).toMatchObject({ status: 'running', total: 504, failed: 4 });
  const problems = accepted.body.rows.filter((row: { outcome: string }) => row.outcome === 'failed');
  expect(problems).toEqual([
    { line: 252, email: 'not-an-email', phone: null, outcome: 'failed', code: 'invalid_email', invitationId: null },
    {
      line: 253,
      email: 'PERSON0@example.org',
      phone: null,
      outcome: 'failed',
      code: 'duplicate_in_file',
      invitationId: null,
    },
    {
      line: 254,
      email: 'already@example.org',
      phone: null,
      outcome: 'failed',
      code: 'already_invited',
      invitationId: earlier.body.id,
    },
    { line: 255, email: 'x@example.org', phone: null, outcome: 'failed', code: 'unknown_role', invitationId: null },
  ]);

  const report = await finished('plant', accepted.body.id);
  expect(report).toMatchObject({ status: 'completed', total: 504, sent: 500, failed: 4, remaining: 0 });
  const sent = report.rows.filter((row: { outcome: string }) => row.outcome === 'sent');
  expect(sent).toHaveLength(500);
  expect(sent[0]).toMatchObject({
    line: 2,
    email: 'person0@example.org',
    invitationId: expect.stringMatching(/^inv_/),
  });

  for (let waited = 0; waited < 120_000; waited += 250) {
    if (app.catcher.messages().filter((mail) => mail.to[0]?.startsWith('person')).length >= 500) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const received = new Set(app.catcher.messages().flatMap((mail) => mail.to));
  expect(good.filter((row) => !received.has(row.split(',')[0]!))).toEqual([]);
  expect(received.has('not-an-email')).toBe(false);

  const completed = await hooks.waitFor((hook) => hook.body.includes(accepted.body.id));
  const announced = verifyWebhook(completed, webhookSecret);
  expect(announced.type).toBe('bulk.completed');
  expect(announced.data.bulk).toMatchObject({ id: accepted.body.id, status: 'completed', sent: 500, failed: 4 });
}, 180_000);

test('a pasted list, any separators, with the same roles for all; the seat limit stops the rows beyond it', async () => {
  const pasted = await app.call('POST', '/v1/workspaces/tiny/invitations/bulk', {
    emails: 'a@example.org; b@example.org,c@example.org\nd@example.org\r\n\r\ne@example.org',
    roles: ['member'],
    inviter: { userId: 'u-admin', roles: ['admin'] },
  });
  expect(pasted.status).toBe(202);
  expect(pasted.body.rows.map((row: { line: number; code: string | null }) => [row.line, row.code])).toEqual([
    [1, null],
    [2, null],
    [3, null],
    [4, 'seat_limit_reached'],
    [5, 'seat_limit_reached'],
  ]);
  const report = await finished('tiny', pasted.body.id);
  expect(report).toMatchObject({ status: 'completed', sent: 3, failed: 2 });
});

test('cancelling stops the rows not started yet', async () => {
  const csv = ['email', ...Array.from({ length: 3000 }, (_, i) => `many${i}@example.org`)].join('\n');
  const accepted = await postCsv('big', csv, `${inviterQuery}&send=false`);
  expect(accepted.status).toBe(202);

  const cancelled = await app.call('POST', `/v1/workspaces/big/invitations/bulk/${accepted.body.id}/cancel`);
  expect(cancelled.status).toBe(202);
  const report = await finished('big', accepted.body.id);
  expect(report.status).toBe('cancelled');
  const skipped = report.rows.filter((row: { outcome: string }) => row.outcome === 'skipped');
  expect(skipped.length).toBeGreaterThan(0);
  expect(skipped.every((row: { code: string }) => row.code === 'cancelled')).toBe(true);
  expect(report.sent + skipped.length).toBe(3000);
  const listed = await app.call('GET', '/v1/workspaces/big/invitations?limit=200');
  expect(listed.body.data.length).toBeLessThanOrEqual(report.sent);
});

test('unreadable input and limits: 422 naming the field, 413 beyond 10,000 rows', async () => {
  const unclosed = await postCsv('plant', 'email,name\n"a@example.org,Ana\n');
  expect(unclosed.status).toBe(422);
  expect(unclosed.body.errors[0].field).toBe('body');

  const noInviter = await postCsv('plant', 'email\na@example.org\n', 'inviterRoles=admin');
  expect(noInviter.status).toBe(422);
  expect(noInviter.body.errors[0].field).toBe('query.inviterUserId');

  const huge = ['email', ...Array.from({ length: 10_001 }, (_, i) => `h${i}@example.org`)].join('\n');
  const tooMany = await postCsv('plant', huge);
  expect(tooMany.status).toBe(413);
  expect(tooMany.body.code).toBe('payload_too_large');

  const tooBig = await postCsv('plant', `email\n${'x'.repeat(5 * 1024 * 1024)}@example.org\n`);
  expect(tooBig.status).toBe(413);
  expect(tooBig.body.detail).toBe('the request body is larger than 5 MB');

  const both = await app.call('POST', '/v1/workspaces/plant/invitations/bulk', {
    emails: 'a@example.org',
    entries: [{ email: 'b@example.org' }],
    inviter: { userId: 'u-admin', roles: ['admin'] },
  });
  expect(both.status).toBe(422);
});

test('an inviter without an inviter role cannot import', async () => {
  const refused = await postCsv('plant', 'email\nz@example.org\n', 'inviterUserId=u-member&inviterRoles=member');
  expect(refused.status).toBe(403);
  expect(refused.body.code).toBe('inviter_not_allowed');
});
