import type { EntityManager } from '@mikro-orm/postgresql';
import type { Cursor } from '../domain/cursor';
import type { WebhookDelivery, WebhookDeliveryStatus, WebhookEventType } from '../domain/webhook-events';
import { readKeysetPage, type Clause, type KeysetPage } from './clauses';

/** A row of `webhook_deliveries` as its owner sees it; timestamptz as text. */
interface DeliveryRow {
  id: string;
  event_type: WebhookEventType;
  status: WebhookDeliveryStatus;
  attempt_count: number;
  created_at: string;
  delivered_at: string | null;
}

interface AttemptRow {
  delivery_id: string;
  attempted_at: string;
  status_code: number | null;
  latency_ms: number;
  response_snippet: string | null;
  error: string | null;
}

const deliverySelect = `select id, event_type, status, attempt_count, created_at, delivered_at from webhook_deliveries`;

const iso = (value: string) => new Date(value).toISOString();

/** The deliveries with their attempts, oldest attempt first. */
async function withAttempts(em: EntityManager, rows: DeliveryRow[]): Promise<WebhookDelivery[]> {
  const attempts =
    rows.length === 0
      ? []
      : await em.execute<AttemptRow[]>(
          `select delivery_id, attempted_at, status_code, latency_ms, response_snippet, error from webhook_attempts
           where delivery_id in (${rows.map(() => '?').join(', ')}) order by attempted_at, id`,
          rows.map((row) => row.id),
        );
  return rows.map((row) => ({
    id: row.id,
    eventType: row.event_type,
    status: row.status,
    attemptCount: row.attempt_count,
    createdAt: iso(row.created_at),
    deliveredAt: row.delivered_at === null ? null : iso(row.delivered_at),
    attempts: attempts
      .filter((attempt) => attempt.delivery_id === row.id)
      .map((attempt) => ({
        attemptedAt: iso(attempt.attempted_at),
        statusCode: attempt.status_code,
        latencyMs: attempt.latency_ms,
        responseSnippet: attempt.response_snippet,
        error: attempt.error,
      })),
  }));
}

export async function listDeliveries(
  em: EntityManager,
  endpointId: string,
  query: { status?: WebhookDeliveryStatus; cursor?: Cursor; limit: number },
): Promise<KeysetPage<WebhookDelivery>> {
  const page = await readKeysetPage<DeliveryRow, DeliveryRow>(
    em,
    {
      select: deliverySelect,
      filters: [['endpoint_id = ?', endpointId], query.status && ['status = ?', query.status]],
      time: 'created_at',
      id: 'id',
      cursor: query.cursor,
      limit: query.limit,
    },
    (row) => row,
  );
  return { data: await withAttempts(em, page.data), nextCursor: page.nextCursor };
}

export async function findDelivery(em: EntityManager, endpointId: string, id: string): Promise<WebhookDelivery | null> {
  const rows = await em.execute<DeliveryRow[]>(`${deliverySelect} where endpoint_id = ? and id = ?`, [endpointId, id]);
  const [delivery] = await withAttempts(em, rows);
  return delivery ?? null;
}

/**
 * Queues failed or delivered messages again, due now with a fresh retry
 * window: same body, same `webhook-id`. Returns the ids queued; one still
 * pending is being delivered and is left alone.
 */
export async function requeueDeliveries(em: EntityManager, endpointId: string, which: Clause): Promise<string[]> {
  const [where, ...params] = which;
  const rows = await em.execute<{ id: string }[]>(
    `update webhook_deliveries set status = 'pending', next_attempt_at = now(), round_started_at = null,
       round_attempts = 0
     where endpoint_id = ? and status <> 'pending' and ${where} returning id`,
    [endpointId, ...params],
  );
  return rows.map((row) => row.id);
}
