import { Webhook } from 'standardwebhooks';
import { startTestInviteflow, type TestInviteflow } from '../support/harness';
import { queueWebhook, settledDelivery } from '../support/webhooks';
import {
  startWebhookReceiver,
  verifyWebhook,
  type ReceivedWebhook,
  type WebhookReceiver,
} from '../support/webhook-receiver';
import { addWebhookEndpoint } from '../support/webhook-endpoint';

let app: TestInviteflow;
let hooks: WebhookReceiver;
let answer = 204;

beforeAll(async () => {
  [app, hooks] = await Promise.all([startTestInviteflow(), startWebhookReceiver(() => answer)]);
});

afterAll(async () => {
  await app?.stop();
  await hooks?.close();
});

/** Subscribed to what `send` queues, unless told otherwise. */
const newEndpoint = (events = ['member.removed']) => addWebhookEndpoint(app, hooks, { events });

const send = (endpointId: string) => queueWebhook(app, endpointId);

const withId = (id: string) => (hook: ReceivedWebhook) => hook.headers['webhook-id'] === id;

async function finished(deliveryId: string): Promise<void> {
  await settledDelivery(app.orm, deliveryId);
}

test('a rotated secret signs alongside the old one during the grace period, then alone', async () => {
  const endpoint = await newEndpoint();
  const rotated = await app.call('POST', `/v1/webhook-endpoints/${endpoint.id}/rotate-secret`, {});
  expect(rotated.status).toBe(200);
  expect(rotated.body).toMatchObject({ id: endpoint.id, secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]{43}=$/) });
  expect(rotated.body.secret).not.toBe(endpoint.secret);

  const during = await hooks.waitFor(withId(await send(endpoint.id)));
  expect(String(during.headers['webhook-signature']).split(' ')).toHaveLength(2);
  expect(verifyWebhook(during, rotated.body.secret).type).toBe('member.removed');
  expect(verifyWebhook(during, endpoint.secret).type).toBe('member.removed');

  const again = await app.call('POST', `/v1/webhook-endpoints/${endpoint.id}/rotate-secret`, { graceSeconds: 0 });
  const after = await hooks.waitFor(withId(await send(endpoint.id)));
  expect(String(after.headers['webhook-signature']).split(' ')).toHaveLength(1);
  expect(verifyWebhook(after, again.body.secret).type).toBe('member.removed');
  expect(() => verifyWebhook(after, rotated.body.secret)).toThrow();

  const tooLong = await app.call('POST', `/v1/webhook-endpoints/${endpoint.id}/rotate-secret`, {
    graceSeconds: 8 * 86400,
  });
  expect(tooLong.status).toBe(422);
  expect(tooLong.body.errors[0].field).toBe('/graceSeconds');
});

test('a replay redelivers the same body with the same webhook-id, and logs the new attempt', async () => {
  const endpoint = await newEndpoint();
  const deliveryId = await send(endpoint.id);
  const first = await hooks.waitFor(withId(deliveryId));
  await finished(deliveryId);

  const replay = await app.call('POST', `/v1/webhook-endpoints/${endpoint.id}/deliveries/${deliveryId}/replay`);
  expect(replay.status).toBe(202);
  expect(replay.body).toMatchObject({ id: deliveryId });
  await finished(deliveryId);
  const both = hooks.received.filter(withId(deliveryId));
  expect(both).toHaveLength(2);
  expect(both[1]!.body).toBe(first.body);
  expect(verifyWebhook(both[1]!, endpoint.secret).type).toBe('member.removed');

  const listed = await app.call('GET', `/v1/webhook-endpoints/${endpoint.id}/deliveries?status=delivered`);
  const delivery = listed.body.data.find((row: { id: string }) => row.id === deliveryId);
  expect(delivery.attempts).toHaveLength(2);
  expect(delivery).toMatchObject({ status: 'delivered', attemptCount: 2 });

  const unknown = await app.call('POST', `/v1/webhook-endpoints/${endpoint.id}/deliveries/msg_nope/replay`);
  expect(unknown.status).toBe(404);
  expect(unknown.body.code).toBe('webhook_delivery_not_found');
});

test('a delivery still retrying cannot be replayed; failed ones since a time can, once re-enabled', async () => {
  const endpoint = await newEndpoint();
  answer = 500;
  const deliveryId = await send(endpoint.id);
  await hooks.waitFor(withId(deliveryId));
  const busy = await app.call('POST', `/v1/webhook-endpoints/${endpoint.id}/deliveries/${deliveryId}/replay`);
  expect(busy.status).toBe(409);
  expect(busy.body.code).toBe('webhook_delivery_in_progress');

  // Disabled, the endpoint's dispatcher fails what it had pending and stops; the replay below needs a new one.
  const disabled = await app.call('PATCH', `/v1/webhook-endpoints/${endpoint.id}`, { disabled: true });
  expect(disabled.body).toMatchObject({ disabledReason: 'manual', disabledAt: expect.any(String) });
  // Disabling it again keeps when it was.
  const again = await app.call('PATCH', `/v1/webhook-endpoints/${endpoint.id}`, { disabled: true });
  expect(again.body).toMatchObject({ disabledReason: 'manual', disabledAt: disabled.body.disabledAt });
  expect(await settledDelivery(app.orm, deliveryId)).toBe('failed');
  const refused = await app.call('POST', `/v1/webhook-endpoints/${endpoint.id}/replay`, {
    since: new Date(Date.now() - 60_000).toISOString(),
  });
  expect(refused.status).toBe(409);
  expect(refused.body.code).toBe('webhook_endpoint_disabled');

  answer = 204;
  const enabled = await app.call('PATCH', `/v1/webhook-endpoints/${endpoint.id}`, { disabled: false });
  expect(enabled.body).toMatchObject({ disabledAt: null, disabledReason: null });
  const replayed = await app.call('POST', `/v1/webhook-endpoints/${endpoint.id}/replay`, {
    since: new Date(Date.now() - 60_000).toISOString(),
  });
  expect(replayed).toMatchObject({ status: 202, body: { replayed: 1 } });
  expect(await settledDelivery(app.orm, deliveryId)).toBe('delivered');
  const failedOnes = await app.call('GET', `/v1/webhook-endpoints/${endpoint.id}/deliveries?status=failed`);
  expect(failedOnes.body.data).toEqual([]);

  const badSince = await app.call('POST', `/v1/webhook-endpoints/${endpoint.id}/replay`, { since: 'yesterday' });
  expect(badSince.status).toBe(422);
  expect(badSince.body.errors[0].field).toBe('/since');
});

test('410 Gone disables the endpoint and announces endpoint.disabled to another endpoint', async () => {
  const gone = await startWebhookReceiver(() => 410);
  try {
    const goneEndpoint = await addWebhookEndpoint(app, gone);
    const watcher = await newEndpoint(['endpoint.disabled']);
    await send(goneEndpoint.id);
    const announcement = verifyWebhook(
      await hooks.waitFor((hook) => JSON.parse(hook.body).data.endpoint?.id === goneEndpoint.id),
      watcher.secret,
    );
    expect(announcement).toMatchObject({
      type: 'endpoint.disabled',
      data: { reason: 'gone', endpoint: { id: goneEndpoint.id, url: gone.url, disabledReason: 'gone' } },
    });
    expect(announcement.data.endpoint.secret).toBeUndefined();
    const shown = await app.call('GET', `/v1/webhook-endpoints/${goneEndpoint.id}`);
    expect(shown.body).toMatchObject({ disabledReason: 'gone', disabledAt: expect.any(String) });
  } finally {
    await gone.close();
  }
});

test('deliveries list newest first, page by page', async () => {
  const endpoint = await newEndpoint();
  const ids = [await send(endpoint.id), await send(endpoint.id), await send(endpoint.id)];
  await Promise.all(ids.map(finished));
  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const page: { body: { data: { id: string }[]; nextCursor: string | null } } = await app.call(
      'GET',
      `/v1/webhook-endpoints/${endpoint.id}/deliveries?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
    );
    seen.push(...page.body.data.map(({ id }) => id));
    cursor = page.body.nextCursor;
  } while (cursor);
  expect(seen).toEqual([...ids].reverse());
  const bad = await app.call('GET', `/v1/webhook-endpoints/${endpoint.id}/deliveries?status=lost`);
  expect(bad.status).toBe(422);
});

describe('SSRF guard', () => {
  test('refuses the metadata address when the endpoint is created or changed', async () => {
    const created = await app.call('POST', '/v1/webhook-endpoints', { url: 'http://169.254.169.254/latest/meta-data' });
    expect(created.status).toBe(422);
    expect(created.body).toMatchObject({ code: 'webhook_target_not_allowed', errors: [{ field: '/url' }] });

    const endpoint = await newEndpoint();
    const changed = await app.call('PATCH', `/v1/webhook-endpoints/${endpoint.id}`, { url: 'http://[fd00:ec2::254]/' });
    expect(changed.status).toBe(422);
    expect(changed.body.errors[0].field).toBe('/url');
  });

  test('refuses it at delivery too, logging the attempt without sending anything', async () => {
    const endpoint = await newEndpoint();
    // As if the URL had been stored before the guard, or a name now resolved there.
    await app.orm.em
      .fork()
      .execute(`update webhook_endpoints set url = 'http://169.254.169.254/latest/meta-data' where id = ?`, [
        endpoint.id,
      ]);
    const deliveryId = await send(endpoint.id);
    let attempts: { statusCode: number | null; error: string | null }[] = [];
    for (let tries = 0; attempts.length === 0 && tries < 50; tries += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const listed = await app.call('GET', `/v1/webhook-endpoints/${endpoint.id}/deliveries`);
      attempts = listed.body.data.find((row: { id: string }) => row.id === deliveryId)?.attempts ?? [];
    }
    expect(attempts[0]).toMatchObject({ statusCode: null, error: expect.stringMatching(/refused target.*linkLocal/) });
    await app.call('PATCH', `/v1/webhook-endpoints/${endpoint.id}`, { disabled: true });
  });
});

test('the Standard Webhooks library verifies what is sent', async () => {
  const endpoint = await newEndpoint();
  const hook = await hooks.waitFor(withId(await send(endpoint.id)));
  const headers = Object.fromEntries(Object.entries(hook.headers).map(([name, value]) => [name, String(value)]));
  expect(new Webhook(endpoint.secret).verify(hook.body, headers)).toMatchObject({ type: 'member.removed' });
});
