import { startTestInviteflow, type TestInviteflow } from '../support/harness';

let api: TestInviteflow;
const inviter = { userId: 'u-admin', roles: ['admin'] };

beforeAll(async () => {
  // No worker yet: imports wait until a test starts one.
  api = await startTestInviteflow({}, { worker: false });
  expect((await api.call('PUT', '/v1/workspaces/acme', { name: 'Acme' })).status).toBe(201);
});

afterAll(async () => {
  await api?.stop();
});

async function postCsv(csv: string) {
  const response = await fetch(
    `${api.apiUrl}/v1/workspaces/acme/invitations/bulk?inviterUserId=u-admin&inviterRoles=admin`,
    { method: 'POST', headers: { authorization: `Bearer ${api.apiKey}`, 'content-type': 'text/csv' }, body: csv },
  );
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

test('a CSV cell past the limits of a JSON entry is a 422 naming its line and column, before anything starts', async () => {
  const cases: [string, string][] = [
    [`email,name\nok@example.org,Ok\nlong@example.org,${'x'.repeat(3_000_000)}\n`, 'line 3, name'],
    [`email,name\nok@example.org,${'y'.repeat(201)}\n`, 'line 2, name'],
    [`email,groups\nok@example.org,${Array.from({ length: 101 }, (_, n) => `g${n}`).join(';')}\n`, 'line 2, groups'],
  ];
  for (const [csv, named] of cases) {
    const refused = await postCsv(csv);
    expect([refused.status, refused.body.code, refused.body.errors[0].field]).toEqual([
      422,
      'validation_failed',
      'body',
    ]);
    expect(refused.body.detail).toContain(named);
    expect(refused.body.detail).not.toContain('xxx');
  }
  const counted = await api.orm.em.fork().execute<{ count: number }[]>('select count(*)::int as count from bulk_rows');
  expect(counted[0]!.count).toBe(0);
});

test('a row whose start Temporal refuses for good fails with a code, and the import completes', async () => {
  const created = await api.call('POST', '/v1/workspaces/acme/invitations/bulk', {
    entries: [{ email: 'fine@example.org' }, { email: 'huge@example.org' }],
    inviter,
    send: false,
  });
  expect(created.status).toBe(202);
  // Past every check, as a row written before the checks existed: its start carries a payload past Temporal's limit.
  await api.orm.em
    .fork()
    .execute(`update bulk_rows set name = repeat('z', 3000000) where bulk_id = ? and line = 2`, [created.body.id]);
  const worker = await startTestInviteflow({}, { sameDeploymentAs: api });
  try {
    let report: Record<string, any> = {};
    for (let tries = 0; tries < 300 && report.status !== 'completed'; tries += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      report = (await api.call('GET', `/v1/workspaces/acme/invitations/bulk/${created.body.id}`)).body;
    }
    expect(report.status).toBe('completed');
    expect(report.rows.map((row: { outcome: string; code: string | null }) => [row.outcome, row.code])).toEqual([
      ['sent', null],
      ['failed', 'start_refused'],
    ]);
  } finally {
    await worker.stop();
  }
});
