import type { MikroORM } from '@mikro-orm/postgresql';
import { ApplicationFailure } from '@temporalio/common';
import { Webhook } from 'standardwebhooks';
import { createWebhookActivities } from '../../../activities/webhooks';
import { WebhookAttemptSchema, WebhookDeliverySchema, WebhookEndpointSchema } from '../../../db/entities';
import { SecretBox } from '../../../domain/secret-box';
import { openTestDatabase } from '../../support/database';
import { startWebhookReceiver, type WebhookReceiver } from '../../support/webhook-receiver';

const secrets = new SecretBox('a-test-secret-that-is-long-enough-for-hkdf');
const signingSecret = `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`;
let orm: MikroORM;
let receiver: WebhookReceiver;
let answer = 204;

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

const activities = () => createWebhookActivities({ orm, secrets });

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
