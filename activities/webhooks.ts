import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { Context } from '@temporalio/activity';
import { Webhook } from 'standardwebhooks';
import { WebhookEndpointSchema, type WebhookEndpointRow } from '../db/entities';
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

interface DueMessage {
  id: string;
  orderingKey: string;
  payload: unknown;
  roundStartedAt: Date | null;
  roundAttempts: number;
}

interface Attempt {
  message: DueMessage;
  attemptedAt: Date;
  outcome: Omit<PostResult, 'retryAfter'>;
  verdict: AttemptVerdict;
  /** After a failed attempt: when the next is due, or `null` when the message is given up. */
  nextAttemptAt: Date | null;
}

/**
 * A pending message is sendable when it is due and no older pending message
 * with its ordering key waits for a later retry; an older one that is due
 * itself comes first in the same batch.
 */
const sendable = `
  d.endpoint_id = ? and d.status = 'pending' and d.next_attempt_at <= ?
  and not exists (
    select 1 from webhook_deliveries earlier
    where earlier.endpoint_id = d.endpoint_id and earlier.ordering_key = d.ordering_key
      and earlier.status = 'pending' and earlier.seq < d.seq and earlier.next_attempt_at > ?
  )`;

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
 * Disables an endpoint (unless it already is), fails what it still had
 * pending and, in the same transaction, announces it to the other endpoints.
 */
async function disableEndpoint(
  em: EntityManager,
  endpointId: string,
  reason: WebhookDisabledReason,
  now: Date,
): Promise<EndpointsToWake> {
  const changed = await em.nativeUpdate(
    WebhookEndpointSchema,
    { id: endpointId, disabledAt: null },
    { disabledAt: now, disabledReason: reason },
  );
  await stopDisabled(em, endpointId);
  if (changed === 0) return [];
  const endpoint = await em.findOneOrFail(WebhookEndpointSchema, endpointId, { refresh: true });
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

/**
 * A disabled endpoint receives nothing: what it had pending fails (to be
 * replayed once it is re-enabled) and its dispatcher stops, marked idle so
 * that whatever is queued after re-enabling wakes a new one. Inside the
 * caller's transaction the endpoint's row stays locked until both are done;
 * `false` when it was re-enabled first and its drain goes on.
 */
async function stopDisabled(em: EntityManager, endpointId: string): Promise<boolean> {
  const stopped = await em.execute<{ id: string }[]>(
    `update webhook_endpoints set dispatcher_idle = true where id = ? and disabled_at is not null returning id`,
    [endpointId],
  );
  if (stopped.length === 0) return false;
  await em.execute(
    `update webhook_deliveries set status = 'failed', next_attempt_at = null where endpoint_id = ? and status = 'pending'`,
    [endpointId],
  );
  return true;
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

  async function send(endpoint: WebhookEndpointRow, message: DueMessage, now: () => Date): Promise<Attempt> {
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
      await em.execute(
        `insert into webhook_attempts (delivery_id, attempted_at, status_code, latency_ms, response_snippet, error)
         values ${attempts.map(() => '(?, ?, ?, ?, ?, ?)').join(', ')}`,
        attempts.flatMap(({ message, attemptedAt, outcome }) => [
          message.id,
          attemptedAt,
          outcome.statusCode,
          outcome.latencyMs,
          outcome.responseSnippet,
          outcome.error,
        ]),
      );
      await em.execute(
        `update webhook_deliveries d set
           status = v.status, next_attempt_at = v.next_attempt_at, attempt_count = d.attempt_count + 1,
           last_attempt_at = v.attempted_at, delivered_at = v.delivered_at,
           round_started_at = coalesce(d.round_started_at, v.attempted_at), round_attempts = d.round_attempts + 1
         from (values ${attempts.map(() => '(?, ?, ?::timestamptz, ?::timestamptz, ?::timestamptz)').join(', ')})
           as v (id, status, next_attempt_at, attempted_at, delivered_at)
         where d.id = v.id and d.status = 'pending'`,
        attempts.flatMap(({ message, attemptedAt, verdict, nextAttemptAt }) => [
          message.id,
          verdict === 'delivered' ? 'delivered' : nextAttemptAt ? 'pending' : 'failed',
          nextAttemptAt,
          attemptedAt,
          verdict === 'delivered' ? attemptedAt : null,
        ]),
      );
      if (gone) return { stopped: true, toWake: await disableEndpoint(em, endpointId, 'gone', now) };
      for (const { message, attemptedAt } of givenUp) {
        const [{ reached }] = await em.execute<[{ reached: boolean }]>(
          `select exists (select 1 from webhook_deliveries where endpoint_id = ? and delivered_at >= ?) as reached`,
          [endpointId, message.roundStartedAt ?? attemptedAt],
        );
        if (!reached) return { stopped: true, toWake: await disableEndpoint(em, endpointId, 'failing', now) };
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
    const endpoint = await em.findOne(WebhookEndpointSchema, endpointId);
    if (!endpoint) return 'stopped';
    if (endpoint.disabledAt) return (await em.transactional((tx) => stopDisabled(tx, endpointId))) ? 'stopped' : 0;
    const at = now();
    const rows = await em.execute<(Omit<DueMessage, 'roundStartedAt'> & { roundStartedAt: string | null })[]>(
      `select d.id, d.ordering_key as "orderingKey", d.payload, d.round_started_at as "roundStartedAt",
         d.round_attempts as "roundAttempts"
       from webhook_deliveries d where ${sendable} order by d.seq limit ?`,
      [endpointId, at, at, pacing.batchSize],
    );
    const due: DueMessage[] = rows.map((row) => ({
      ...row,
      roundStartedAt: row.roundStartedAt === null ? null : new Date(row.roundStartedAt),
    }));
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
    await em.execute('update webhook_endpoints set dispatcher_idle = true where id = ?', [endpointId]);
    const [found] = await em.execute<[{ due: boolean; next: Date | null }]>(
      `select exists (select 1 from webhook_deliveries d where ${sendable}) as due,
         (select min(next_attempt_at) from webhook_deliveries
          where endpoint_id = ? and status = 'pending' and next_attempt_at > ?) as next`,
      [endpointId, at, at, endpointId, at],
    );
    if (!found.due) return found.next ? new Date(found.next).getTime() : null;
    await em.execute('update webhook_endpoints set dispatcher_idle = false where id = ?', [endpointId]);
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
