import { restartOrphanedDeliveries } from '../../activities/webhook-sweeper';
import { startTestInviteflow, type TestInviteflow } from '../support/harness';
import { startWebhookReceiver, verifyWebhook, type WebhookReceiver } from '../support/webhook-receiver';

let app: TestInviteflow;
let hooks: WebhookReceiver;

beforeAll(async () => {
  [app, hooks] = await Promise.all([startTestInviteflow(), startWebhookReceiver()]);
});

afterAll(async () => {
  await app?.stop();
  await hooks?.close();
});

async function deliveryStatus(id: string): Promise<string | undefined> {
  const [row] = await app.orm.em
    .fork()
    .execute<{ status: string }[]>('select status from webhook_deliveries where id = ?', [id]);
  return row?.status;
}

test('a delivery queued but never started (Temporal was away) is started by the sweep, once', async () => {
  const endpoint = await app.call('POST', '/v1/webhook-endpoints', { url: hooks.url });
  const payload = { type: 'member.removed', timestamp: '2026-03-01T10:00:00.000Z', data: { member: { userId: 'u' } } };
  const em = app.orm.em.fork();
  await em.execute(
    `insert into webhook_deliveries (id, endpoint_id, event_type, payload, created_at)
     values ('msg_orphan', ?, 'member.removed', ?::jsonb, now() - interval '5 minutes'),
            ('msg_fresh', ?, 'member.removed', ?::jsonb, now())`,
    [endpoint.body.id, JSON.stringify(payload), endpoint.body.id, JSON.stringify(payload)],
  );

  expect(await restartOrphanedDeliveries(app.orm, app.client, app.taskQueue)).toBe(1);
  const hook = await hooks.waitFor((received) => received.headers['webhook-id'] === 'msg_orphan');
  expect(verifyWebhook(hook, endpoint.body.secret)).toEqual(payload);

  // Once attempted, a second sweep leaves it alone; the fresh one is not yet an orphan.
  for (let tries = 0; (await deliveryStatus('msg_orphan')) !== 'delivered' && tries < 50; tries += 1) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  expect(await deliveryStatus('msg_orphan')).toBe('delivered');
  expect(await restartOrphanedDeliveries(app.orm, app.client, app.taskQueue)).toBe(0);
  expect(hooks.received.filter((received) => received.headers['webhook-id'] === 'msg_orphan')).toHaveLength(1);
  expect(hooks.received.filter((received) => received.headers['webhook-id'] === 'msg_fresh')).toHaveLength(0);
});
