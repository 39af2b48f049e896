import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createWebhookActivities } from '../../../activities/webhooks';
import { SecretBox } from '../../../domain/secret-box';
import { wakeWebhookDispatchers } from '../../../activities/webhook-waker';
import { webhookDispatcherWorkflowId } from '../../../workflows/webhook-dispatcher-messages';
import { openTestDatabase } from '../../support/database';
import {
  attemptsOf,
  deliveriesWhere,
  endpointState,
  insertTestDelivery,
  insertTestEndpoint,
} from '../../support/webhook-rows';
import { testServers } from '../../support/servers';
import { startWebhookReceiver, verifyWebhook, type WebhookReceiver } from '../../support/webhook-receiver';

/**
 * The delivery schedule on the time-skipping test server: three days of
 * retries pass in seconds, against a real receiver and PostgreSQL. The
 * dispatcher's drains tell time from when Temporal scheduled them, so the
 * schedule follows the skipped clock.
 */
const secrets = new SecretBox('a-test-secret-that-is-long-enough-for-hkdf');
const signingSecret = `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`;
let env: TestWorkflowEnvironment;
let orm: MikroORM;
const receivers: WebhookReceiver[] = [];

beforeAll(async () => {
  [env, orm] = await Promise.all([
    TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: { type: 'existing-path', path: testServers().testServerPath } },
    }),
    openTestDatabase(),
  ]);
});

afterAll(async () => {
  await Promise.allSettled([env?.teardown(), orm?.close(), ...receivers.map((receiver) => receiver.close())]);
});

async function receiver(respond: Parameters<typeof startWebhookReceiver>[0]): Promise<WebhookReceiver> {
  const started = await startWebhookReceiver(respond);
  receivers.push(started);
  return started;
}

async function newEndpoint(url: string, events: string[] = ['*']): Promise<string> {
  const id = `whe_${randomUUID()}`;
  await insertTestEndpoint(orm, { id, url, events: events as ['*'], secretCiphertext: secrets.seal(signingSecret) });
  return id;
}

async function newDelivery(endpointId: string): Promise<string> {
  const id = `msg_${randomUUID()}`;
  await insertTestDelivery(orm.em.fork(), endpointId, { id });
  return id;
}

/**
 * Runs a worker until the endpoints' dispatchers, and those they woke to
 * announce a disabled endpoint, have ended; returns the deliveries' statuses.
 */
async function deliver(endpointId: string, deliveryIds: string[]): Promise<string[]> {
  const taskQueue = `webhooks-${randomUUID()}`;
  const woken: string[] = [];
  const wake = (ids: string[]) =>
    wakeWebhookDispatchers(env.client, taskQueue, ids).then(() => void woken.push(...ids));
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: { codePath: testServers().workflowBundlePath },
    activities: createWebhookActivities({
      orm,
      secrets,
      allowedNetworks: ['127.0.0.0/8'],
      wakeWebhookDispatchers: wake,
      pacing: { lingerMs: 0, pollMs: 10 },
    }),
  });
  return worker.runUntil(async () => {
    await wake([endpointId]);
    // One at a time: concurrent result() calls confuse the test server's time-skipping lock.
    for (let done = 0; done < woken.length; done += 1) {
      await env.client.workflow.getHandle(webhookDispatcherWorkflowId(woken[done]!)).result();
    }
    const rows = await deliveriesWhere(orm, `id in (${deliveryIds.map(() => '?').join(', ')})`, deliveryIds);
    return deliveryIds.map((id) => rows.find((row) => row.id === id)!.status);
  });
}

async function statusCodes(deliveryId: string): Promise<(number | null)[]> {
  const attempts = await attemptsOf(orm, deliveryId);
  return attempts.map((attempt) => attempt.statusCode);
}

test('a consumer down for hours gets every message once it recovers, with the same webhook-id', async () => {
  // Down for its first six attempts of each message: recovered some 7.5 hours later.
  const tries = new Map<string, number>();
  const consumer = await receiver((hook) => {
    const id = String(hook.headers['webhook-id']);
    tries.set(id, (tries.get(id) ?? 0) + 1);
    return tries.get(id)! <= 6 ? 500 : 200;
  });
  const endpointId = await newEndpoint(consumer.url);
  const first = await newDelivery(endpointId);
  const second = await newDelivery(endpointId);

  expect(await deliver(endpointId, [first, second])).toEqual(['delivered', 'delivered']);

  for (const deliveryId of [first, second]) {
    const hooks = consumer.received.filter((hook) => hook.headers['webhook-id'] === deliveryId);
    expect(hooks).toHaveLength(7);
    for (const hook of hooks) expect(verifyWebhook(hook, signingSecret).type).toBe('member.removed');
    expect(await statusCodes(deliveryId)).toEqual([500, 500, 500, 500, 500, 500, 200]);
  }
  const delivered = await deliveriesWhere(orm, 'id in (?, ?)', [first, second]);
  expect(delivered.map((delivery) => delivery.status)).toEqual(['delivered', 'delivered']);
  expect((await endpointState(orm, endpointId)).disabledAt).toBeNull();
});

test('a consumer failing for three days is given up on, disabled as failing, and announced', async () => {
  const dead = await receiver(() => 500);
  const watcher = await receiver(() => 204);
  const deadId = await newEndpoint(dead.url);
  await newEndpoint(watcher.url, ['endpoint.disabled']);
  const deliveryId = await newDelivery(deadId);

  expect(await deliver(deadId, [deliveryId])).toEqual(['failed']);

  // Immediate, then 5 s, 5 min, 30 min, 2 h, 5 h and 10 h apart up to 72 hours: 12 attempts.
  expect(await statusCodes(deliveryId)).toEqual(Array(12).fill(500));
  expect(await deliveriesWhere(orm, 'id = ?', [deliveryId])).toMatchObject([{ status: 'failed' }]);
  expect(await endpointState(orm, deadId)).toMatchObject({ disabledReason: 'failing' });
  const announcement = verifyWebhook(
    await watcher.waitFor((hook) => JSON.parse(hook.body).data.endpoint?.id === deadId),
    signingSecret,
  );
  expect(announcement).toMatchObject({ type: 'endpoint.disabled', data: { reason: 'failing' } });
  expect(JSON.stringify(announcement)).not.toContain('secret');
});

test('410 Gone disables the endpoint at once and announces it to the others', async () => {
  const gone = await receiver(() => 410);
  const watcher = await receiver(() => 204);
  const goneId = await newEndpoint(gone.url);
  await newEndpoint(watcher.url, ['endpoint.disabled']);
  const deliveryId = await newDelivery(goneId);

  expect(await deliver(goneId, [deliveryId])).toEqual(['failed']);

  expect(await statusCodes(deliveryId)).toEqual([410]);
  expect(await endpointState(orm, goneId)).toMatchObject({ disabledReason: 'gone' });
  const announcement = verifyWebhook(
    await watcher.waitFor((hook) => JSON.parse(hook.body).data.endpoint?.id === goneId),
    signingSecret,
  );
  expect(announcement.data).toMatchObject({ reason: 'gone', endpoint: { id: goneId, url: gone.url } });

  // A disabled endpoint receives nothing.
  const later = await newDelivery(goneId);
  expect(await deliver(goneId, [later])).toEqual(['failed']);
  expect(gone.received.filter((hook) => hook.headers['webhook-id'] === later)).toHaveLength(0);
});
