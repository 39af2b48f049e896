import type { TestInviteflow } from './harness';
import type { WebhookReceiver } from './webhook-receiver';

export interface WebhookEndpoint {
  id: string;
  /** What the receiver verifies signatures with. */
  secret: string;
}

/** Subscribes `receiver` through the API, to every event unless `settings` name some, expecting a 201. */
export async function addWebhookEndpoint(
  app: Pick<TestInviteflow, 'call'>,
  receiver: Pick<WebhookReceiver, 'url'>,
  settings: { events?: string[] } = {},
): Promise<WebhookEndpoint> {
  const created = await app.call('POST', '/v1/webhook-endpoints', { url: receiver.url, ...settings });
  expect(created.status).toBe(201);
  return { id: created.body.id, secret: created.body.secret };
}
