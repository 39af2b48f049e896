import type { EntityManager } from '@mikro-orm/postgresql';
import { dateOrNull } from './rows';
import type { WebhookDeliveryStatus } from '../domain/webhook-events';

/** A pending message a dispatcher may send now. */
export interface DueMessage {
  id: string;
  orderingKey: string;
  payload: unknown;
  /** The first attempt since it was queued or last replayed: the retry window counts from here. */
  roundStartedAt: Date | null;
  roundAttempts: number;
}

/** One attempt to log, and where it leaves its message. */
export interface AttemptRecord {
  deliveryId: string;
  attemptedAt: Date;
  /** `null` when no HTTP response came back (DNS, TLS, timeout…): see `error`. */
  statusCode: number | null;
  latencyMs: number;
  responseSnippet: string | null;
  error: string | null;
  status: WebhookDeliveryStatus;
  /** When a message still pending is due next. */
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

/** Up to `limit` sendable messages of an endpoint at `at`, in the order they were queued. */
export async function dueMessages(
  em: EntityManager,
  endpointId: string,
  at: Date,
  limit: number,
): Promise<DueMessage[]> {
  const rows = await em.execute<(Omit<DueMessage, 'roundStartedAt'> & { roundStartedAt: string | null })[]>(
    `select d.id, d.ordering_key as "orderingKey", d.payload, d.round_started_at as "roundStartedAt",
       d.round_attempts as "roundAttempts"
     from webhook_deliveries d where ${sendable} order by d.seq limit ?`,
    [endpointId, at, at, limit],
  );
  return rows.map((row) => ({
    ...row,
    roundStartedAt: dateOrNull(row.roundStartedAt),
  }));
}

/** Logs the attempts and moves their messages on; a message no longer pending (replayed, failed by a disable) is left be. */
export async function recordAttempts(em: EntityManager, attempts: AttemptRecord[]): Promise<void> {
  if (attempts.length === 0) return;
  await em.execute(
    `insert into webhook_attempts (delivery_id, attempted_at, status_code, latency_ms, response_snippet, error)
     values ${attempts.map(() => '(?, ?, ?, ?, ?, ?)').join(', ')}`,
    attempts.flatMap((attempt) => [
      attempt.deliveryId,
      attempt.attemptedAt,
      attempt.statusCode,
      attempt.latencyMs,
      attempt.responseSnippet,
      attempt.error,
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
    attempts.flatMap((attempt) => [
      attempt.deliveryId,
      attempt.status,
      attempt.nextAttemptAt,
      attempt.attemptedAt,
      attempt.status === 'delivered' ? attempt.attemptedAt : null,
    ]),
  );
}

/** Whether anything reached the endpoint at or after `since`. */
export async function deliveredSince(em: EntityManager, endpointId: string, since: Date): Promise<boolean> {
  const [{ reached }] = await em.execute<[{ reached: boolean }]>(
    `select exists (select 1 from webhook_deliveries where endpoint_id = ? and delivered_at >= ?) as reached`,
    [endpointId, since],
  );
  return reached;
}

/** Whether something is sendable at `at` and, when not, when the next pending retry is due. */
export async function dueOrNext(
  em: EntityManager,
  endpointId: string,
  at: Date,
): Promise<{ due: boolean; next: Date | null }> {
  const [found] = await em.execute<[{ due: boolean; next: string | null }]>(
    `select exists (select 1 from webhook_deliveries d where ${sendable}) as due,
       (select min(next_attempt_at) from webhook_deliveries
        where endpoint_id = ? and status = 'pending' and next_attempt_at > ?) as next`,
    [endpointId, at, at, endpointId, at],
  );
  return { due: found.due, next: dateOrNull(found.next) };
}
