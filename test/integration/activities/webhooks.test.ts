import type { MikroORM } from '@mikro-orm/postgresql';
import { MockActivityEnvironment } from '@temporalio/testing';
import { Webhook } from 'standardwebhooks';
import { enqueueWebhookEvents } from '../../../store/webhook-outbox';
import type { Resolver } from '../../../delivery/webhook-target-guard';
import { createWebhookActivities, type DispatchOutcome } from '../../../activities/webhooks';
import { SecretBox } from '../../../domain/secret-box';
import { openTestDatabase } from '../../support/database';
import { attemptsOf, deliveriesWhere, endpointState, insertTestEndpoint } from '../../support/webhook-rows';
import { startWebhookReceiver, type WebhookAnswer, type WebhookReceiver } from '../../support/webhook-receiver';

/** One endpoint's drain, run as an activity against a real receiver and PostgreSQL. */
const secrets = new SecretBox('a-test-secret-that-is-long-enough-for-hkdf');
const signingSecret = `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`;
let orm: MikroORM;
let receiver: WebhookReceiver;
let answer: (webhookId: string) => WebhookAnswer = () => 204;
const woken: string[][] = [];
let endpoints = 0;

beforeAll(async () => {
  [orm, receiver] = await Promise.all([
    openTestDatabase(),
    startWebhookReceiver((hook) => answer(String(hook.headers['webhook-id']))),
  ]);
});

afterAll(async () => {
  await Promise.allSettled([orm?.close(), receiver?.close()]);
});

async function newEndpoint(url = receiver.url, events = ['*']): Promise<string> {
  endpoints += 1;
  const id = `whe_${endpoints}`;
  await insertTestEndpoint(orm, { id, url, events: events as ['*'], secretCiphertext: secrets.seal(signingSecret) });
  return id;
}

/** Queues a message to every subscribed endpoint, as the outbox does; what it woke is noted. */
async function queue(id: string, orderingKey = id): Promise<void> {
  const toWake = await orm.em.fork().transactional((em) =>
    enqueueWebhookEvents(em, [
      {
        type: 'invitation.sent',
        key: id,
        orderingKey,
        workspaceId: null,
        timestamp: '2026-03-01T10:00:00.000Z',
        data: { invitation: { id: orderingKey }, note: id },
      },
    ]),
  );
  woken.push(toWake);
}

/** The delivery ids of `key` are derived: find them by the note each payload carries. */
async function delivery(note: string, endpointId: string) {
  const [row] = await deliveriesWhere(orm, `endpoint_id = ? and payload #>> '{data,note}' = ?`, [endpointId, note]);
  return row!;
}

/** Runs one drain of `endpointId` as if Temporal scheduled it at `at`. */
function drain(endpointId: string, at = Date.now(), resolve?: Resolver): Promise<DispatchOutcome> {
  const activities = createWebhookActivities({
    orm,
    secrets,
    // The receiver listens on loopback, which deliveries are refused unless allowed.
    allowedNetworks: ['127.0.0.0/8'],
    resolve,
    wakeWebhookDispatchers: async (ids) => void woken.push(ids),
    pacing: { lingerMs: 0, pollMs: 10 },
  });
  const env = new MockActivityEnvironment({ currentAttemptScheduledTimestampMs: at });
  return env.run((input: { endpointId: string }) => activities.dispatchWebhooks(input), { endpointId });
}

const hooksOf = (deliveryId: string) => receiver.received.filter((hook) => hook.headers['webhook-id'] === deliveryId);

async function statusCodes(deliveryId: string): Promise<(number | null)[]> {
  const attempts = await attemptsOf(orm, deliveryId);
  return attempts.map((attempt) => attempt.statusCode);
}

test('a message is signed per Standard Webhooks, logged, and the drain ends idle with nothing pending', async () => {
  const endpointId = await newEndpoint();
  await queue('signed');
  const { id } = await delivery('signed', endpointId);

  expect(await drain(endpointId)).toEqual({ state: 'idle', nextAttemptAt: null });

  const [hook] = hooksOf(id);
  const headers = Object.fromEntries(Object.entries(hook!.headers).map(([name, value]) => [name, String(value)]));
  expect(new Webhook(signingSecret).verify(hook!.body, headers)).toMatchObject({ type: 'invitation.sent' });
  expect(() =>
    new Webhook(`whsec_${Buffer.from('another-secret-another-secret-!!').toString('base64')}`).verify(
      hook!.body,
      headers,
    ),
  ).toThrow();
  expect(await delivery('signed', endpointId)).toMatchObject({
    status: 'delivered',
    attemptCount: 1,
    nextAttemptAt: null,
  });
  expect(await statusCodes(id)).toEqual([204]);
});

test('the first message to an idle endpoint wakes its dispatcher; more while it is busy do not', async () => {
  const endpointId = await newEndpoint();
  woken.length = 0;
  await queue('wake-1');
  await queue('wake-2');
  expect(woken[0]).toContain(endpointId);
  expect(woken[1]).not.toContain(endpointId);

  await drain(endpointId);
  await queue('wake-3');
  expect(woken.at(-1)).toContain(endpointId);
});

test('a failed attempt is logged and retried 5 s later (±10 %) with the same webhook-id', async () => {
  const endpointId = await newEndpoint();
  await queue('retried');
  const { id } = await delivery('retried', endpointId);
  answer = () => 500;
  const before = Date.now();
  const outcome = await drain(endpointId);

  expect(outcome.state).toBe('idle');
  const nextAttemptAt = (outcome as { nextAttemptAt: number }).nextAttemptAt;
  expect(nextAttemptAt - before).toBeGreaterThanOrEqual(4_500);
  expect(nextAttemptAt - Date.now()).toBeLessThanOrEqual(5_500);
  expect(await delivery('retried', endpointId)).toMatchObject({ status: 'pending', roundAttempts: 1 });

  // Not due yet: nothing is sent.
  await drain(endpointId);
  expect(hooksOf(id)).toHaveLength(1);

  answer = () => 200;
  expect(await drain(endpointId, nextAttemptAt)).toEqual({ state: 'idle', nextAttemptAt: null });
  expect(hooksOf(id)).toHaveLength(2);
  expect(hooksOf(id)[1]!.body).toBe(hooksOf(id)[0]!.body);
  expect(await statusCodes(id)).toEqual([500, 200]);
  expect(await delivery('retried', endpointId)).toMatchObject({ status: 'delivered', attemptCount: 2 });
});

test('a 429 with Retry-After waits that long; a 500 with one does not', async () => {
  const endpointId = await newEndpoint();
  await queue('throttled');
  answer = () => ({ status: 429, headers: { 'retry-after': '120' } });
  const throttled = (await drain(endpointId)) as { nextAttemptAt: number };
  expect(throttled.nextAttemptAt - Date.now()).toBeGreaterThan(110_000);

  answer = () => ({ status: 500, headers: { 'retry-after': '120' } });
  const failed = (await drain(endpointId, throttled.nextAttemptAt)) as { nextAttemptAt: number };
  // The second retry of the schedule is 5 minutes.
  expect(failed.nextAttemptAt - throttled.nextAttemptAt).toBeGreaterThan(4.4 * 60_000);
  expect(failed.nextAttemptAt - throttled.nextAttemptAt).toBeLessThan(5.6 * 60_000);
  answer = () => 204;
});

test("an invitation's messages go out in order: one waits while an older one waits for its retry", async () => {
  const endpointId = await newEndpoint();
  await queue('first', 'inv_ordered');
  await queue('second', 'inv_ordered');
  await queue('other', 'inv_other');
  const [first, second, other] = await Promise.all(
    ['first', 'second', 'other'].map(async (note) => (await delivery(note, endpointId)).id),
  );
  answer = (webhookId) => (webhookId === first ? 503 : 204);
  const outcome = (await drain(endpointId)) as { nextAttemptAt: number };

  expect(hooksOf(first!)).toHaveLength(1);
  expect(hooksOf(second!)).toHaveLength(0);
  expect(hooksOf(other!)).toHaveLength(1);

  answer = () => 204;
  await drain(endpointId, outcome.nextAttemptAt);
  const order = receiver.received
    .map((hook) => hook.headers['webhook-id'])
    .filter((webhookId) => webhookId === first || webhookId === second);
  expect(order).toEqual([first, first, second]);
});

test('an endpoint that does not answer is logged with the error and retried', async () => {
  const endpointId = await newEndpoint('http://127.0.0.1:9/hooks');
  await queue('refused');
  const { id } = await delivery('refused', endpointId);
  expect((await drain(endpointId)).state).toBe('idle');
  const [attempt] = await attemptsOf(orm, id);
  expect(attempt!.statusCode).toBeNull();
  expect(attempt!.error).toMatch(/ECONNREFUSED/);
  expect(await delivery('refused', endpointId)).toMatchObject({ status: 'pending' });
});

test('410 Gone disables the endpoint, fails what it had pending, and announces it to the others', async () => {
  const watcher = await newEndpoint(receiver.url, ['endpoint.disabled']);
  const goneId = await newEndpoint();
  await queue('gone', 'inv_gone');
  await queue('gone-later', 'inv_gone');
  const gone = await delivery('gone', goneId);
  answer = (webhookId) => (webhookId === gone.id ? 410 : 204);
  woken.length = 0;

  expect(await drain(goneId)).toEqual({ state: 'stopped' });

  expect(await endpointState(orm, goneId)).toMatchObject({ disabledReason: 'gone' });
  expect((await delivery('gone', goneId)).status).toBe('failed');
  expect((await delivery('gone-later', goneId)).status).toBe('failed');
  expect(woken.flat()).toContain(watcher);
  await drain(watcher);
  const announcement = receiver.received.find((hook) => JSON.parse(hook.body).data.endpoint?.id === goneId);
  expect(JSON.parse(announcement!.body)).toMatchObject({ type: 'endpoint.disabled', data: { reason: 'gone' } });
  answer = () => 204;
});

test('a disabled endpoint is sent nothing: its drain stops idle and fails what was pending', async () => {
  const endpointId = await newEndpoint();
  await queue('disabled');
  await orm.em
    .fork()
    .execute('update webhook_endpoints set disabled_at = now(), dispatcher_idle = false where id = ?', [endpointId]);
  expect(await drain(endpointId)).toEqual({ state: 'stopped' });
  const { id, status } = await delivery('disabled', endpointId);
  expect(status).toBe('failed');
  expect(hooksOf(id)).toHaveLength(0);
  // Idle, so what is queued once it is re-enabled wakes a dispatcher.
  expect(await endpointState(orm, endpointId)).toMatchObject({ dispatcherIdle: true });
});

describe('the target guard', () => {
  test('refuses the metadata address without sending anything', async () => {
    const endpointId = await newEndpoint('http://169.254.169.254/latest/meta-data');
    await queue('metadata');
    const { id } = await delivery('metadata', endpointId);
    await drain(endpointId);
    const [attempt] = await attemptsOf(orm, id);
    expect(attempt).toMatchObject({ statusCode: null });
    expect(attempt!.error).toMatch(/refused target: 169\.254\.169\.254 is a linkLocal address/);
  });

  test('checks the address it connects to, so a name rebound to a private address is refused', async () => {
    const port = new URL(receiver.url).port;
    const endpointId = await newEndpoint(`http://hooks.example.test:${port}/hooks`);
    await queue('rebound');
    const { id } = await delivery('rebound', endpointId);
    const rebound: Resolver = () => Promise.resolve([{ address: '169.254.169.254', family: 4 }]);
    const outcome = (await drain(endpointId, Date.now(), rebound)) as { nextAttemptAt: number };
    const [attempt] = await attemptsOf(orm, id);
    expect(attempt!.error).toMatch(/refused target: hooks\.example\.test resolves to 169\.254\.169\.254/);

    // The same name resolving to an allowed address is delivered: the guard, not the name, decided.
    const loopback: Resolver = () => Promise.resolve([{ address: '127.0.0.1', family: 4 }]);
    await drain(endpointId, outcome.nextAttemptAt, loopback);
    expect((await delivery('rebound', endpointId)).status).toBe('delivered');
    expect(hooksOf(id)).toHaveLength(1);
  });
});
