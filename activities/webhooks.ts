import { ApplicationFailure } from '@temporalio/common';
import type { MikroORM } from '@mikro-orm/postgresql';
import { Webhook } from 'standardwebhooks';
import { WebhookAttemptSchema, WebhookDeliverySchema, WebhookEndpointSchema } from '../db/entities';
import type { SecretBox } from '../domain/secret-box';

export const webhookRequestTimeoutMs = 15_000;
const snippetLength = 500;

export interface WebhookDependencies {
  orm: MikroORM;
  secrets: SecretBox;
  fetch?: typeof fetch;
}

interface AttemptOutcome {
  statusCode: number | null;
  latencyMs: number;
  responseSnippet: string | null;
  error: string | null;
}

async function post(
  doFetch: typeof fetch,
  url: string,
  headers: Record<string, string>,
  body: string,
): Promise<AttemptOutcome> {
  const started = performance.now();
  try {
    const response = await doFetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'inviteflow-webhooks/1', ...headers },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(webhookRequestTimeoutMs),
    });
    const text = await response.text().catch(() => '');
    return {
      statusCode: response.status,
      latencyMs: Math.round(performance.now() - started),
      responseSnippet: text.slice(0, snippetLength) || null,
      error: null,
    };
  } catch (error) {
    return {
      statusCode: null,
      latencyMs: Math.round(performance.now() - started),
      responseSnippet: null,
      error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    };
  }
}

export function createWebhookActivities(deps: WebhookDependencies) {
  const doFetch = deps.fetch ?? fetch;
  return {
    /** One signed POST; throws on anything but 2xx so Temporal's retry policy schedules the next one. */
    async attemptWebhookDelivery({ deliveryId }: { deliveryId: string }): Promise<void> {
      const em = deps.orm.em.fork();
      const delivery = await em.findOneOrFail(WebhookDeliverySchema, deliveryId);
      if (delivery.status === 'delivered') return;
      const endpoint = await em.findOneOrFail(WebhookEndpointSchema, delivery.endpointId);
      if (endpoint.disabledAt) {
        throw ApplicationFailure.nonRetryable('the webhook endpoint is disabled', 'endpoint_disabled');
      }
      const body = JSON.stringify(delivery.payload);
      const timestamp = new Date();
      const signature = new Webhook(deps.secrets.open(endpoint.secretCiphertext)).sign(deliveryId, timestamp, body);
      const outcome = await post(
        doFetch,
        endpoint.url,
        {
          'webhook-id': deliveryId,
          'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
          'webhook-signature': signature,
        },
        body,
      );

      const delivered = outcome.statusCode !== null && outcome.statusCode >= 200 && outcome.statusCode < 300;
      em.create(WebhookAttemptSchema, { deliveryId, attemptedAt: timestamp, ...outcome });
      delivery.attemptCount += 1;
      delivery.lastAttemptAt = timestamp;
      if (delivered) {
        delivery.status = 'delivered';
        delivery.deliveredAt = new Date();
      }
      await em.flush();
      if (!delivered) {
        throw ApplicationFailure.retryable(
          outcome.error ?? `the endpoint answered ${outcome.statusCode}`,
          'webhook_attempt_failed',
        );
      }
    },

    async markWebhookDeliveryFailed({ deliveryId }: { deliveryId: string }): Promise<void> {
      await deps.orm.em
        .fork()
        .nativeUpdate(WebhookDeliverySchema, { id: deliveryId, status: 'pending' }, { status: 'failed' });
    },
  };
}
