import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { Context } from '@temporalio/activity';
import { Webhook } from 'standardwebhooks';
import type { WebhookDisabledReason } from '../domain/webhook-events';
import { statusClass, webhookAttempts } from '../runtime/metrics';
import type { SecretBox } from '../domain/secret-box';
import { webhookEndpointView } from '../domain/webhook-events';
import { chainsByKey } from '../domain/webhook-order';
import {
  attemptVerdict,
  honoursRetryAfter,
  nextAttemptDelayMs,
  parseRetryAfter,
  type AttemptVerdict,
} from '../domain/webhook-schedule';
import { postWebhook, type PostResult } from '../delivery/webhook-http';
import { enqueueWebhookEvents, type EndpointsToWake } from '../store/webhook-outbox';
import {
  disableEndpointRow,
  findEndpoint,
  markDispatcherIdle,
  stopDisabled,
  type WebhookEndpoint,
} from '../store/webhook-endpoints';
import { deliveredSince, dueMessages, dueOrNext, recordAttempts, type DueMessage } from '../store/webhook-dispatch';
import { systemResolver, type Resolver } from '../delivery/webhook-target-guard';

export interface WebhookDependencies {
  orm: MikroORM;
  secrets: SecretBox;
  /** WEBHOOK_ALLOWED_NETWORKS: private networks deliveries may still go to. */
  allowedNetworks?: readonly string[];
  /** Wakes the dispatchers of other endpoints, told of one that was disabled. */
  wakeWebhookDispatchers(endpointIds: EndpointsToWake): Promise<void>;
  resolve?: Resolver;
  /** How the drain paces itself; the defaults suit production. */
  pacing?: Partial<DrainPacing>;
}

export interface DrainPacing {
  /** How long a drain waits for more messages after its last attempt before it goes idle. */
  lingerMs: number;
  /** How often a lingering drain looks for new messages. */
  pollMs: number;
  /** A drain ends after this long, so its run's history grows by one activity per period. */
  maxRunMs: number;
  /** Due messages read per pass. */
  batchSize: number;
  /** Chains (ordering keys) sent at once. */
  concurrency: number;
}

const defaultPacing: DrainPacing = {
  lingerMs: 10_000,
  pollMs: 200,
  maxRunMs: 5 * 60_000,
  batchSize: 200,
  concurrency: 16,
};

/**
 * What a drain came to: `stopped` (the endpoint is disabled or gone),
 * `idle` with the next retry's time (epoch ms, `null` when nothing is
 * pending), or `running` (it ran its time and there may be more).
 */
export type DispatchOutcome =
  { state: 'stopped' } | { state: 'idle'; nextAttemptAt: number | null } | { state: 'running' };

interface Attempt {
  message: DueMessage;
  attemptedAt: Date;
  outcome: Omit<PostResult, 'retryAfter'>;
  verdict: AttemptVerdict;
  /** After a failed attempt: when the next is due, or `null` when the message is given up. */
  nextAttemptAt: Date | null;
}

/** The signing secrets in force: the current one, and the one before a rotation while its grace lasts. */
function signingSecrets(endpoint: WebhookEndpoint, secrets: SecretBox, now: Date): string[] {
  const current = secrets.open(endpoint.secretCiphertext);
  const previous =
    endpoint.previousSecretCiphertext && endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt > now
      ? secrets.open(endpoint.previousSecretCiphertext)
      : null;
  return previous ? [current, previous] : [current];
}

/**
 * Disables an endpoint (unless it already is), fails what it still had
 * pending and, in the same transaction, announces it to the other endpoints.
 */
async function disableEndpoint(
  em: EntityManager,
  endpointId: string,
  reason: WebhookDisabledReason,
  now: Date,
): Promise<EndpointsToWake> {
  const endpoint = await disableEndpointRow(em, endpointId, reason, now);
  await stopDisabled(em, endpointId);
  if (!endpoint) return [];
  return enqueueWebhookEvents(em, [
    {
      type: 'endpoint.disabled',
      key: `endpoint.disabled|${endpointId}|${now.toISOString()}`,
      orderingKey: endpointId,
      workspaceId: endpoint.workspaceId,
      timestamp: now.toISOString(),
      data: { endpoint: webhookEndpointView(endpoint), reason },
    },
  ]);
}

/** Runs `work` over `items` with at most `limit` at once. */
async function eachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

export function createWebhookActivities(deps: WebhookDependencies) {
  const allowed = deps.allowedNetworks ?? [];
  const resolve = deps.resolve ?? systemResolver;
  const pacing = { ...defaultPacing, ...deps.pacing };

  async function send(endpoint: WebhookEndpoint, message: DueMessage, now: () => Date): Promise<Attempt> {
    const body = JSON.stringify(message.payload);
    const attemptedAt = now();
    // Signed with the wall clock, which consumers hold the timestamp to; the schedule keeps its own.
    const signedAt = new Date();
    const signature = signingSecrets(endpoint, deps.secrets, signedAt)
      .map((secret) => new Webhook(secret).sign(message.id, signedAt, body))
      .join(' ');
    const { retryAfter, ...outcome } = await postWebhook(
      endpoint.url,
      {
        'webhook-id': message.id,
        'webhook-timestamp': String(Math.floor(signedAt.getTime() / 1000)),
        'webhook-signature': signature,
      },
      body,
      allowed,
      resolve,
    );
    const verdict = attemptVerdict(outcome.statusCode);
    const answeredAt = now();
    const delayMs =
      verdict === 'retry'
        ? nextAttemptDelayMs({
            attemptsMade: message.roundAttempts + 1,
            firstAttemptAt: (message.roundStartedAt ?? attemptedAt).getTime(),
            now: answeredAt.getTime(),
            retryAfterMs: honoursRetryAfter(outcome.statusCode) ? parseRetryAfter(retryAfter, answeredAt) : null,
            random: Math.random(),
          })
        : null;
    const nextAttemptAt = delayMs === null ? null : new Date(answeredAt.getTime() + delayMs);
    return { message, attemptedAt, outcome, verdict, nextAttemptAt };
  }

  /**
   * Logs a pass's attempts and moves each message on, in one transaction: a
   * `410 Gone` disables the endpoint, and a message given up after its whole
   * retry window disables it too when nothing reached it meanwhile.
   */
  async function record(endpointId: string, attempts: Attempt[], now: Date): Promise<'stopped' | 'running'> {
    if (attempts.length === 0) return 'running';
    const gone = attempts.some((attempt) => attempt.verdict === 'gone');
    const givenUp = attempts.filter((attempt) => attempt.verdict === 'retry' && attempt.nextAttemptAt === null);
    const { stopped, toWake } = await deps.orm.em.fork().transactional(async (em) => {
      await recordAttempts(
        em,
        attempts.map(({ message, attemptedAt, outcome, verdict, nextAttemptAt }) => ({
          deliveryId: message.id,
          attemptedAt,
          ...outcome,
          status: verdict === 'delivered' ? 'delivered' : nextAttemptAt ? 'pending' : 'failed',
          nextAttemptAt,
        })),
      );
      if (gone) return { stopped: true, toWake: await disableEndpoint(em, endpointId, 'gone', now) };
      for (const { message, attemptedAt } of givenUp) {
        if (!(await deliveredSince(em, endpointId, message.roundStartedAt ?? attemptedAt)))
          return { stopped: true, toWake: await disableEndpoint(em, endpointId, 'failing', now) };
      }
      return { stopped: false, toWake: [] };
    });
    for (const { verdict, outcome } of attempts) {
      webhookAttempts.inc({
        outcome: verdict === 'delivered' ? 'delivered' : 'failed',
        status: statusClass(outcome.statusCode),
      });
    }
    await deps.wakeWebhookDispatchers(toWake);
    return stopped ? 'stopped' : 'running';
  }

  /** One pass: the due messages, sent chain by chain; how many were tried, or `stopped`. */
  async function pass(endpointId: string, now: () => Date, heartbeat: () => void): Promise<number | 'stopped'> {
    const em = deps.orm.em.fork();
    const endpoint = await findEndpoint(em, endpointId);
    if (!endpoint) return 'stopped';
    if (endpoint.disabledAt) return (await em.transactional((tx) => stopDisabled(tx, endpointId))) ? 'stopped' : 0;
    const due = await dueMessages(em, endpointId, now(), pacing.batchSize);
    if (due.length === 0) return 0;
    const attempts: Attempt[] = [];
    let gone = false;
    await eachLimited(chainsByKey(due), pacing.concurrency, async ({ messages }) => {
      for (const message of messages) {
        if (gone) return;
        const attempt = await send(endpoint, message, now);
        attempts.push(attempt);
        heartbeat();
        if (attempt.verdict === 'gone') gone = true;
        if (attempt.verdict !== 'delivered') return;
      }
    });
    return (await record(endpointId, attempts, now())) === 'stopped' ? 'stopped' : attempts.length;
  }

  /**
   * Marks the endpoint idle, then looks again: what was queued before the
   * mark is found here, what comes after wakes the dispatcher. `due` when
   * there is something to send now, else when the next retry is due (a
   * message held behind an older one moves when that one's retry does).
   */
  async function goIdle(endpointId: string, at: Date): Promise<'due' | number | null> {
    const em = deps.orm.em.fork();
    await markDispatcherIdle(em, endpointId, true);
    const { due, next } = await dueOrNext(em, endpointId, at);
    if (!due) return next?.getTime() ?? null;
    await markDispatcherIdle(em, endpointId, false);
    return 'due';
  }

  return {
    /**
     * Drains one endpoint's outbox for a while: sends what is due, chain by
     * chain, logs every attempt and schedules retries, and returns once the
     * outbox has been quiet for a moment, the endpoint is disabled, or its
     * time is up. Time is the activity's scheduled time plus what has passed
     * since, so the schedule follows a time-skipping test server too.
     */
    async dispatchWebhooks({ endpointId }: { endpointId: string }): Promise<DispatchOutcome> {
      const context = Context.current();
      const startedAt = Date.now();
      const scheduledAt = context.info.currentAttemptScheduledTimestampMs;
      const now = () => new Date(scheduledAt + (Date.now() - startedAt));
      const heartbeat = () => context.heartbeat();
      let lastWorkAt = startedAt;
      while (Date.now() - startedAt < pacing.maxRunMs) {
        heartbeat();
        const tried = await pass(endpointId, now, heartbeat);
        if (tried === 'stopped') return { state: 'stopped' };
        if (tried > 0) {
          lastWorkAt = Date.now();
          continue;
        }
        if (Date.now() - lastWorkAt >= pacing.lingerMs) {
          const next = await goIdle(endpointId, now());
          if (next !== 'due') return { state: 'idle', nextAttemptAt: next };
          lastWorkAt = Date.now();
          continue;
        }
        await context.sleep(pacing.pollMs);
      }
      return { state: 'running' };
    },
  };
}
