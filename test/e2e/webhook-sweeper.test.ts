import { wakeStalledDispatchers } from '../../activities/webhook-sweeper';
import { startTestInviteflow, type TestInviteflow } from '../support/harness';
import { startWebhookReceiver, verifyWebhook, type WebhookReceiver } from '../support/webhook-receiver';
import { addWebhookEndpoint } from '../support/webhook-endpoint';
import { settledDelivery } from '../support/webhooks';

let app: TestInviteflow;
let hooks: WebhookReceiver;

beforeAll(async () => {
  [app, hooks] = await Promise.all([startTestInviteflow(), startWebhookReceiver()]);
});

afterAll(async () => {
  await app?.stop();
  await hooks?.close();
});

test('messages long overdue whose dispatcher was never woken (Temporal was away) are sent after the sweep, once', async () => {
  const endpoint = await addWebhookEndpoint(app, hooks);
  const payload = { type: 'member.removed', timestamp: '2026-03-01T10:00:00.000Z', data: { member: { userId: 'u' } } };
  // Queued and marked busy, but the wake never happened.
  await app.orm.em.fork().execute(
    `with queued as (
       insert into webhook_deliveries (id, endpoint_id, event_type, ordering_key, payload, created_at, next_attempt_at)
       values ('msg_orphan', ?, 'member.removed', 'u', ?::jsonb, now() - interval '5 minutes', now() - interval '5 minutes')
       returning endpoint_id)
     update webhook_endpoints set dispatcher_idle = false where id in (select endpoint_id from queued)`,
    [endpoint.id, JSON.stringify(payload)],
  );
  await new Promise((resolve) => setTimeout(resolve, 500));
  expect(hooks.received).toHaveLength(0);

  expect(await wakeStalledDispatchers(app.orm, app.client, app.taskQueue)).toBe(1);
  const hook = await hooks.waitFor((received) => received.headers['webhook-id'] === 'msg_orphan');
  expect(verifyWebhook(hook, endpoint.secret)).toEqual(payload);

  // Once delivered, a second sweep finds nothing to wake.
  expect(await settledDelivery(app.orm, 'msg_orphan')).toBe('delivered');
  expect(await wakeStalledDispatchers(app.orm, app.client, app.taskQueue)).toBe(0);
  expect(hooks.received.filter((received) => received.headers['webhook-id'] === 'msg_orphan')).toHaveLength(1);
});
