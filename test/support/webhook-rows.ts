import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { insertEndpoint, type NewEndpoint } from '../../store/webhook-endpoints';

/** What tests read of a delivery, straight from its row. */
export interface DeliveryRecord {
  id: string;
  endpointId: string;
  eventType: string;
  orderingKey: string;
  status: string;
  attemptCount: number;
  roundAttempts: number;
  nextAttemptAt: string | null;
  payload: { type: string; timestamp: string; data: Record<string, any> };
}

/** Writes an endpoint without the API: no target check, any id. */
export async function insertTestEndpoint(
  orm: MikroORM,
  endpoint: Omit<NewEndpoint, 'workspaceId' | 'description'> & Partial<Pick<NewEndpoint, 'workspaceId'>>,
): Promise<void> {
  await insertEndpoint(orm.em.fork(), { workspaceId: null, description: null, ...endpoint });
}

/** Deliveries matching `where` (SQL over `webhook_deliveries`), in the order they were queued. */
export function deliveriesWhere(orm: MikroORM, where: string, params: unknown[] = []): Promise<DeliveryRecord[]> {
  return orm.em.fork().execute<DeliveryRecord[]>(
    `select id, endpoint_id as "endpointId", event_type as "eventType", ordering_key as "orderingKey", status,
       attempt_count as "attemptCount", round_attempts as "roundAttempts", next_attempt_at as "nextAttemptAt", payload
     from webhook_deliveries where ${where} order by seq`,
    params,
  );
}

/** A delivery's attempts, oldest first. */
export function attemptsOf(
  orm: MikroORM,
  deliveryId: string,
): Promise<{ statusCode: number | null; error: string | null }[]> {
  return orm.em
    .fork()
    .execute(
      'select status_code as "statusCode", error from webhook_attempts where delivery_id = ? order by attempted_at, id',
      [deliveryId],
    );
}

/** An endpoint's row as the dispatcher sees it. */
export async function endpointState(
  orm: MikroORM,
  id: string,
): Promise<{ disabledAt: string | null; disabledReason: string | null; dispatcherIdle: boolean }> {
  const [row] = await orm.em.fork().execute(
    `select disabled_at as "disabledAt", disabled_reason as "disabledReason", dispatcher_idle as "dispatcherIdle"
       from webhook_endpoints where id = ?`,
    [id],
  );
  if (!row) throw new Error(`no webhook endpoint ${id}`);
  return row as never;
}

/** Queues a `member.removed` message to one endpoint, due now, without waking anything; its id. */
export async function insertTestDelivery(
  em: EntityManager,
  endpointId: string,
  { id, orderingKey = id }: { id: string; orderingKey?: string },
): Promise<string> {
  const payload = { type: 'member.removed', timestamp: new Date().toISOString(), data: { member: { userId: id } } };
  await em.execute(
    `insert into webhook_deliveries (id, endpoint_id, event_type, ordering_key, payload)
     values (?, ?, 'member.removed', ?, ?::jsonb)`,
    [id, endpointId, orderingKey, JSON.stringify(payload)],
  );
  return id;
}
