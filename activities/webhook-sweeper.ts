import type { MikroORM } from '@mikro-orm/postgresql';
import type { Client } from '@temporalio/client';
import { wakeWebhookDispatchers } from './webhook-waker';

/** Overdue by this much, a message's dispatcher is presumed never woken. */
const stalledAfter = '1 minute';

/**
 * Wakes the dispatchers of endpoints with messages long overdue: the process
 * that queued them lost Temporal before waking one, or its run was
 * terminated. Waking is idempotent, so every worker may sweep.
 */
export async function wakeStalledDispatchers(orm: MikroORM, temporal: Client, taskQueue: string): Promise<number> {
  const stalled = await orm.em.fork().execute<{ id: string }[]>(
    `select endpoint.id from webhook_endpoints endpoint
     where endpoint.disabled_at is null and exists (
       select 1 from webhook_deliveries d
       where d.endpoint_id = endpoint.id and d.status = 'pending'
         and d.next_attempt_at < now() - interval '${stalledAfter}'
     )`,
  );
  await wakeWebhookDispatchers(
    temporal,
    taskQueue,
    stalled.map((endpoint) => endpoint.id),
  );
  return stalled.length;
}
