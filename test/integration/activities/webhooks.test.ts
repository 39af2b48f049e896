import type { MikroORM } from '@mikro-orm/postgresql';
import { ApplicationFailure } from '@temporalio/common';
import { Webhook } from 'standardwebhooks';
import { createWebhookActivities } from '../../../activities/webhooks';
import { WebhookAttemptSchema, WebhookDeliverySchema, WebhookEndpointSchema } from '../../../db/entities';
import type { Resolver } from '../../../activities/webhook-target-guard';
import { SecretBox } from '../../../domain/secret-box';
import { openTestDatabase } from '../../support/database';
import { startWebhookReceiver, type WebhookAnswer, type WebhookReceiver } from '../../support/webhook-receiver';

const secrets = new SecretBox('a-test-secret-that-is-long-enough-for-hkdf');
const signingSecret = `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`;
let orm: MikroORM;
let receiver: WebhookReceiver;
let answer: WebhookAnswer = 204;

beforeAll(async () => {
  [orm, receiver] = await Promise.all([openTestDatabase(), startWebhookReceiver(() => answer)]);
  await newEndpoint('whe_1', receiver.url);
});

afterAll(async () => {
  await Promise.allSettled([orm?.close(), receiver?.close()]);
});

async function newEndpoint(id: string, url: string): Promise<void> {
  const em = orm.em.fork();
  em.create(WebhookEndpointSchema, {
    id,
    url,
    events: ['*'],
    workspaceId: null,
    description: null,
    secretCiphertext: secrets.seal(signingSecret),
    disabledAt: null,
  });
  await em.flush();
}

async function newDelivery(id: string, endpointId = 'whe_1'): Promise<void> {
  const em = orm.em.fork();
  em.create(WebhookDeliverySchema, {
    id,
    endpointId,
    eventType: 'invitation.sent',
    payload: { type: 'invitation.sent', timestamp: '2026-03-01T10:00:00.000Z', data: { invitation: { id: 'inv_1' } } },
  });
  await em.flush();
}

// The receiver listens on loopback, which deliveries are refused unless allowed.
const activities = (resolve?: Resolver) =>
  createWebhookActivities({ orm, secrets, allowedNetworks: ['127.0.0.0/8'], resolve });

test('a delivery is signed per Standard Webhooks and logged', async () => {
  answer = 204;
  await newDelivery('msg_signed');
  await activities().attemptWebhookDelivery({ deliveryId: 'msg_signed' });

  const hook = receiver.received.find((received) => received.headers['webhook-id'] === 'msg_signed')!;
  const headers = Object.fromEntries(Object.entries(hook.headers).map(([name, value]) => [name, String(value)]));
  expect(new Webhook(signingSecret).verify(hook.body, headers)).toEqual({
    type: 'invitation.sent',
    timestamp: '2026-03-01T10:00:00.000Z',
    data: { invitation: { id: 'inv_1' } },
  });
  expect(() =>
    new Webhook(`whsec_${Buffer.from('another-secret-another-secret-!!').toString('base64')}`).verify(
      hook.body,
      headers,
    ),
  ).toThrow();

  const em = orm.em.fork();
  expect(await em.findOneOrFail(WebhookDeliverySchema, 'msg_signed')).toMatchObject({
    status: 'delivered',
    attemptCount: 1,
  });
  const [attempt] = await em.find(WebhookAttemptSchema, { deliveryId: 'msg_signed' });
  expect(attempt).toMatchObject({ statusCode: 204, error: null });
});

test('anything but 2xx is a retryable failure, logged; the retry keeps the same webhook-id', async () => {
  answer = 500;
  await newDelivery('msg_retried');
  const failure = await activities()
    .attemptWebhookDelivery({ deliveryId: 'msg_retried' })
    .catch((error: unknown) => error);
  expect(failure).toBeInstanceOf(ApplicationFailure);
  expect((failure as ApplicationFailure).nonRetryable).toBe(false);

  answer = 200;
  await activities().attemptWebhookDelivery({ deliveryId: 'msg_retried' });
  expect(receiver.received.filter((hook) => hook.headers['webhook-id'] === 'msg_retried')).toHaveLength(2);

  const em = orm.em.fork();
  const attempts = await em.find(
    WebhookAttemptSchema,
    { deliveryId: 'msg_retried' },
    { orderBy: { attemptedAt: 'asc' } },
  );
  expect(attempts.map((attempt) => attempt.statusCode)).toEqual([500, 200]);
  expect(await em.findOneOrFail(WebhookDeliverySchema, 'msg_retried')).toMatchObject({
    status: 'delivered',
    attemptCount: 2,
  });
});

test('an endpoint that does not answer is logged with the error and retried', async () => {
  await newEndpoint('whe_closed', 'http://127.0.0.1:9/hooks');
  await newDelivery('msg_refused', 'whe_closed');
  await expect(activities().attemptWebhookDelivery({ deliveryId: 'msg_refused' })).rejects.toBeInstanceOf(
    ApplicationFailure,
  );
  const [attempt] = await orm.em.fork().find(WebhookAttemptSchema, { deliveryId: 'msg_refused' });
  expect(attempt!.statusCode).toBeNull();
  expect(attempt!.error).toMatch(/fetch failed|ECONNREFUSED/);
});

test('markWebhookDeliveryFailed marks a pending delivery failed, and never a delivered one', async () => {
  await newDelivery('msg_given_up');
  await activities().markWebhookDeliveryFailed({ deliveryId: 'msg_given_up' });
  await activities().markWebhookDeliveryFailed({ deliveryId: 'msg_signed' });
  const em = orm.em.fork();
  expect((await em.findOneOrFail(WebhookDeliverySchema, 'msg_given_up')).status).toBe('failed');
  expect((await em.findOneOrFail(WebhookDeliverySchema, 'msg_signed')).status).toBe('delivered');
});

test('sendWebhookAttempt reports an HTTP failure as its result, with the Retry-After of a 429', async () => {
  answer = { status: 429, headers: { 'retry-after': '120' } };
  await newDelivery('msg_throttled');
  expect(await activities().sendWebhookAttempt({ deliveryId: 'msg_throttled' })).toEqual({
    verdict: 'retry',
    statusCode: 429,
    retryAfterMs: 120_000,
  });
  answer = { status: 500, headers: { 'retry-after': '120' } };
  expect(await activities().sendWebhookAttempt({ deliveryId: 'msg_throttled' })).toMatchObject({
    verdict: 'retry',
    retryAfterMs: null,
  });
  answer = 200;
  expect(await activities().sendWebhookAttempt({ deliveryId: 'msg_throttled' })).toMatchObject({
    verdict: 'delivered',
  });
  // Already delivered: an activity retry sends nothing again.
  expect(await activities().sendWebhookAttempt({ deliveryId: 'msg_throttled' })).toMatchObject({ verdict: 'skipped' });
  expect(receiver.received.filter((hook) => hook.headers['webhook-id'] === 'msg_throttled')).toHaveLength(3);
});

describe('the target guard', () => {
  test('refuses the metadata address without sending anything', async () => {
    await newEndpoint('whe_metadata', 'http://169.254.169.254/latest/meta-data');
    await newDelivery('msg_metadata', 'whe_metadata');
    expect(await activities().sendWebhookAttempt({ deliveryId: 'msg_metadata' })).toMatchObject({
      verdict: 'retry',
      statusCode: null,
    });
    const [attempt] = await orm.em.fork().find(WebhookAttemptSchema, { deliveryId: 'msg_metadata' });
    expect(attempt!.error).toMatch(/refused target: 169\.254\.169\.254 is a linkLocal address/);
  });

  test('checks the address it connects to, so a name rebound to a private address is refused', async () => {
    const port = new URL(receiver.url).port;
    await newEndpoint('whe_rebound', `http://hooks.example.test:${port}/hooks`);
    await newDelivery('msg_rebound', 'whe_rebound');
    const rebound: Resolver = () => Promise.resolve([{ address: '169.254.169.254', family: 4 }]);
    await activities(rebound).sendWebhookAttempt({ deliveryId: 'msg_rebound' });
    const [attempt] = await orm.em.fork().find(WebhookAttemptSchema, { deliveryId: 'msg_rebound' });
    expect(attempt!.error).toMatch(/refused target: hooks\.example\.test resolves to 169\.254\.169\.254/);

    // The same name resolving to an allowed address is delivered: the guard, not the name, decided.
    answer = 204;
    const loopback: Resolver = () => Promise.resolve([{ address: '127.0.0.1', family: 4 }]);
    expect(await activities(loopback).sendWebhookAttempt({ deliveryId: 'msg_rebound' })).toMatchObject({
      verdict: 'delivered',
    });
    expect(receiver.received.filter((hook) => hook.headers['webhook-id'] === 'msg_rebound')).toHaveLength(1);
  });
});
