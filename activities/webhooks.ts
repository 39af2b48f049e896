import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { ApplicationFailure } from '@temporalio/common';
import { Webhook } from 'standardwebhooks';
import {
  WebhookAttemptSchema,
  WebhookDeliverySchema,
  WebhookEndpointSchema,
  type WebhookDeliveryRow,
  type WebhookDisabledReason,
  type WebhookEndpointRow,
} from '../db/entities';
import { statusClass, webhookAttempts } from '../runtime/metrics';
import type { SecretBox } from '../domain/secret-box';
import { webhookEndpointView } from '../domain/webhook-events';
import { attemptVerdict, honoursRetryAfter, parseRetryAfter } from '../domain/webhook-schedule';
import { enqueueWebhookEvents } from './webhook-outbox';
import { guardedLookup, refusedLiteralHost, systemResolver, type Resolver } from './webhook-target-guard';

export const webhookRequestTimeoutMs = 15_000;
const snippetLength = 500;

export interface WebhookDependencies {
  orm: MikroORM;
  secrets: SecretBox;
  /** WEBHOOK_ALLOWED_NETWORKS: private networks deliveries may still go to. */
  allowedNetworks?: readonly string[];
  /** Starts the delivery workflows of `endpoint.disabled` events once they are committed. */
  startWebhookDeliveries?: (deliveryIds: string[]) => Promise<void>;
  resolve?: Resolver;
}

interface PostResult {
  statusCode: number | null;
  latencyMs: number;
  responseSnippet: string | null;
  error: string | null;
  retryAfter: string | null;
}

/** What one attempt came to, for the delivery workflow to decide what happens next. */
export interface WebhookAttemptResult {
  /** `skipped`: already delivered, or the endpoint is disabled or gone: nothing was sent. */
  verdict: 'delivered' | 'gone' | 'retry' | 'skipped';
  statusCode: number | null;
  /** How long the consumer asked us to wait (`Retry-After` on 429/503), capped. */
  retryAfterMs: number | null;
}

function headerText(headers: IncomingHttpHeaders, name: string): string | null {
  const value = headers[name];
  return Array.isArray(value) ? (value[0] ?? null) : (value ?? null);
}

/** One POST through the target guard; never throws: a failure is an outcome to log. */
function post(
  url: string,
  headers: Record<string, string>,
  body: string,
  allowed: readonly string[],
  resolve: Resolver,
): Promise<PostResult> {
  const started = performance.now();
  const latencyMs = () => Math.round(performance.now() - started);
  const failed = (error: unknown): PostResult => ({
    statusCode: null,
    latencyMs: latencyMs(),
    responseSnippet: null,
    error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    retryAfter: null,
  });
  const refused = refusedLiteralHost(url, allowed);
  if (refused) return Promise.resolve(failed(`refused target: ${refused}`));
  return new Promise((settle) => {
    const send = url.startsWith('https:') ? httpsRequest : httpRequest;
    const req = send(
      url,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'user-agent': 'inviteflow-webhooks/1',
          ...headers,
        },
        agent: false,
        lookup: guardedLookup(allowed, resolve),
        signal: AbortSignal.timeout(webhookRequestTimeoutMs),
      },
      (response) => {
        const chunks: Buffer[] = [];
        let length = 0;
        response.on('data', (chunk: Buffer) => {
          if (length < snippetLength) chunks.push(chunk);
          length += chunk.length;
        });
        response.on('error', (error) => settle(failed(error)));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8').slice(0, snippetLength);
          settle({
            statusCode: response.statusCode ?? null,
            latencyMs: latencyMs(),
            responseSnippet: text || null,
            error: null,
            retryAfter: headerText(response.headers, 'retry-after'),
          });
        });
      },
    );
    req.on('error', (error) =>
      settle(failed(error.name === 'WebhookTargetRefused' ? `refused target: ${error.message}` : error)),
    );
    req.end(body);
  });
}

/** The signing secrets in force: the current one, and the one before a rotation while its grace lasts. */
function signingSecrets(endpoint: WebhookEndpointRow, secrets: SecretBox, now: Date): string[] {
  const current = secrets.open(endpoint.secretCiphertext);
  const previous =
    endpoint.previousSecretCiphertext && endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt > now
      ? secrets.open(endpoint.previousSecretCiphertext)
      : null;
  return previous ? [current, previous] : [current];
}

/**
 * Disables an endpoint (unless it already is) and, in the same transaction,
 * announces it to the other endpoints; returns the deliveries to start.
 */
async function disableEndpoint(
  em: EntityManager,
  endpointId: string,
  reason: WebhookDisabledReason,
  now: Date,
): Promise<string[]> {
  const changed = await em.nativeUpdate(
    WebhookEndpointSchema,
    { id: endpointId, disabledAt: null },
    { disabledAt: now, disabledReason: reason },
  );
  if (changed === 0) return [];
  const endpoint = await em.findOneOrFail(WebhookEndpointSchema, endpointId, { refresh: true });
  return enqueueWebhookEvents(em, [
    {
      type: 'endpoint.disabled',
      key: `endpoint.disabled|${endpointId}|${now.toISOString()}`,
      workspaceId: endpoint.workspaceId,
      timestamp: now.toISOString(),
      data: { endpoint: webhookEndpointView(endpoint), reason },
    },
  ]);
}

export function createWebhookActivities(deps: WebhookDependencies) {
  const allowed = deps.allowedNetworks ?? [];
  const resolve = deps.resolve ?? systemResolver;
  const startDeliveries = async (ids: string[]) => {
    // An id not started here is started by the sweeper: the rows are committed.
    if (ids.length > 0) await deps.startWebhookDeliveries?.(ids);
  };

  /** Sends one signed POST and logs it; on `410 Gone` the endpoint is disabled in the same transaction. */
  async function attempt(deliveryId: string): Promise<{ result: WebhookAttemptResult; error: string | null }> {
    const em = deps.orm.em.fork();
    const delivery = await em.findOne(WebhookDeliverySchema, deliveryId);
    const skipped = { result: { verdict: 'skipped' as const, statusCode: null, retryAfterMs: null }, error: null };
    // Gone with its endpoint, or delivered by an earlier try of this activity: nothing to send.
    if (!delivery || delivery.status === 'delivered') return skipped;
    const endpoint = await em.findOne(WebhookEndpointSchema, delivery.endpointId);
    if (!endpoint || endpoint.disabledAt) {
      await markFailed(delivery.id);
      return skipped;
    }
    const body = JSON.stringify(delivery.payload);
    const timestamp = new Date();
    const signature = signingSecrets(endpoint, deps.secrets, timestamp)
      .map((secret) => new Webhook(secret).sign(deliveryId, timestamp, body))
      .join(' ');
    const { retryAfter, ...outcome } = await post(
      endpoint.url,
      {
        'webhook-id': deliveryId,
        'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
        'webhook-signature': signature,
      },
      body,
      allowed,
      resolve,
    );
    const verdict = attemptVerdict(outcome.statusCode);
    const announced = await em.transactional(async (tx) => {
      tx.create(WebhookAttemptSchema, { deliveryId, attemptedAt: timestamp, ...outcome });
      const row = await tx.findOneOrFail(WebhookDeliverySchema, deliveryId);
      row.attemptCount += 1;
      row.lastAttemptAt = timestamp;
      if (verdict === 'delivered') Object.assign(row, { status: 'delivered', deliveredAt: new Date() });
      if (verdict === 'gone') row.status = 'failed';
      await tx.flush();
      return verdict === 'gone' ? disableEndpoint(tx, endpoint.id, 'gone', timestamp) : [];
    });
    webhookAttempts.inc({
      outcome: verdict === 'delivered' ? 'delivered' : 'failed',
      status: statusClass(outcome.statusCode),
    });
    await startDeliveries(announced);
    return {
      result: {
        verdict,
        statusCode: outcome.statusCode,
        retryAfterMs: honoursRetryAfter(outcome.statusCode) ? parseRetryAfter(retryAfter, new Date()) : null,
      },
      error: outcome.error,
    };
  }

  async function markFailed(deliveryId: string): Promise<void> {
    await deps.orm.em
      .fork()
      .nativeUpdate(WebhookDeliverySchema, { id: deliveryId, status: 'pending' }, { status: 'failed' });
  }

  return {
    /**
     * The attempt of delivery workflows started before the retry schedule
     * moved into the workflow: throws on anything but 2xx so Temporal's retry
     * policy schedules the next one. Kept for those runs only.
     */
    async attemptWebhookDelivery({ deliveryId }: { deliveryId: string }): Promise<void> {
      const {
        result: { verdict, statusCode },
        error,
      } = await attempt(deliveryId);
      if (verdict === 'skipped') {
        const delivery = await deps.orm.em.fork().findOneOrFail(WebhookDeliverySchema, deliveryId);
        if (delivery.status === 'delivered') return;
        throw ApplicationFailure.nonRetryable('the webhook endpoint is disabled', 'endpoint_disabled');
      }
      if (verdict === 'gone') throw ApplicationFailure.nonRetryable('the endpoint answered 410', 'endpoint_gone');
      if (verdict !== 'delivered') {
        throw ApplicationFailure.retryable(error ?? `the endpoint answered ${statusCode}`, 'webhook_attempt_failed');
      }
    },

    /** One signed POST, logged; an HTTP failure is a result for the workflow's schedule, not an error. */
    async sendWebhookAttempt({ deliveryId }: { deliveryId: string }): Promise<WebhookAttemptResult> {
      return (await attempt(deliveryId)).result;
    },

    async markWebhookDeliveryFailed({ deliveryId }: { deliveryId: string }): Promise<void> {
      await markFailed(deliveryId);
    },

    /**
     * A message that failed for its whole retry window: marked failed, and its
     * endpoint disabled when nothing at all reached it since that message's
     * first attempt (a consumer that takes other messages is not dead).
     */
    async giveUpWebhookDelivery({
      deliveryId,
      firstAttemptAt,
    }: {
      deliveryId: string;
      firstAttemptAt: string;
    }): Promise<void> {
      const announced = await deps.orm.em.fork().transactional(async (tx) => {
        await tx.nativeUpdate(WebhookDeliverySchema, { id: deliveryId, status: 'pending' }, { status: 'failed' });
        const delivery: WebhookDeliveryRow = await tx.findOneOrFail(WebhookDeliverySchema, deliveryId);
        const deliveredSince = await tx.count(WebhookDeliverySchema, {
          endpointId: delivery.endpointId,
          deliveredAt: { $gte: new Date(firstAttemptAt) },
        });
        return deliveredSince > 0 ? [] : disableEndpoint(tx, delivery.endpointId, 'failing', new Date());
      });
      await startDeliveries(announced);
    },
  };
}
