import { startTestInviteflow, type TestInviteflow } from '../support/harness';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';

let app: TestInviteflow;
let receiver: WebhookReceiver;

beforeAll(async () => {
  [app, receiver] = await Promise.all([startTestInviteflow(), startWebhookReceiver()]);
});

afterAll(async () => {
  await app?.stop();
  await receiver?.close();
});

async function storedAnswer(key: string): Promise<string> {
  const [row] = await app.orm.em
    .fork()
    .execute<{ response_body: unknown }[]>('select response_body from idempotency_keys where key = ?', [key]);
  return JSON.stringify(row?.response_body);
}

test('a signing secret shown once is stored sealed with its answer, and a retry still gets it in clear', async () => {
  const created = await app.call('POST', '/v1/webhook-endpoints', { url: receiver.url }, { 'idempotency-key': 'ep-1' });
  expect(created.status).toBe(201);
  const secret: string = created.body.secret;
  expect(secret).toMatch(/^whsec_/);
  const stored = await storedAnswer('ep-1');
  expect(stored).toContain(created.body.id);
  expect(stored).not.toContain(secret.slice('whsec_'.length));

  const retried = await app.call('POST', '/v1/webhook-endpoints', { url: receiver.url }, { 'idempotency-key': 'ep-1' });
  expect([retried.status, retried.headers.get('idempotent-replayed'), retried.body]).toEqual([
    201,
    'true',
    created.body,
  ]);

  const rotate = () =>
    app.call('POST', `/v1/webhook-endpoints/${created.body.id}/rotate-secret`, {}, { 'idempotency-key': 'rot-1' });
  const rotated = await rotate();
  expect(rotated.status).toBe(200);
  expect(await storedAnswer('rot-1')).not.toContain(rotated.body.secret.slice('whsec_'.length));
  expect((await rotate()).body.secret).toBe(rotated.body.secret);
});

test('answers past their 24 hours are purged by each API process on its own, not only when their key comes back', async () => {
  await app.orm.em.fork().execute(
    `insert into idempotency_keys (api_key_id, key, request_hash, status_code, response_body, created_at)
     values ('key_bootstrap', 'old-1', 'h', 201, '{"invitee": {"email": "old@example.org"}}', now() - interval '25 hours'),
            ('key_bootstrap', 'recent-1', 'h', 201, '{}', now() - interval '23 hours')`,
  );
  const second = await startTestInviteflow({}, { sameDeploymentAs: app, worker: false });
  try {
    let keys: string[] = [];
    for (let tries = 0; tries < 50; tries += 1) {
      keys = (
        await app.orm.em
          .fork()
          .execute<{ key: string }[]>(`select key from idempotency_keys where key in ('old-1', 'recent-1')`)
      ).map((row) => row.key);
      if (!keys.includes('old-1')) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(keys).toEqual(['recent-1']);
  } finally {
    await second.stop();
  }
});
