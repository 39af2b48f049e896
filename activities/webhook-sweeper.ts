import type { MikroORM } from '@mikro-orm/postgresql';
import type { Client } from '@temporalio/client';
import { startWebhookDeliveries } from './webhook-starter';

/** Old enough that its delivery workflow should long have made a first attempt. */
const orphanAfter = '1 minute';
const batch = 500;

/**
 * Starts the deliveries that were written to the outbox but never attempted:
 * the process that committed them lost Temporal before starting their
 * workflow. Starting is idempotent, so every worker may sweep.
 */
export async function restartOrphanedDeliveries(orm: MikroORM, temporal: Client, taskQueue: string): Promise<number> {
  const orphans = await orm.em.fork().execute<{ id: string }[]>(
    `select id from webhook_deliveries
     where status = 'pending' and last_attempt_at is null and created_at < now() - interval '${orphanAfter}'
     order by created_at limit ${batch}`,
  );
  await startWebhookDeliveries(
    temporal,
    taskQueue,
    orphans.map((orphan) => orphan.id),
  );
  return orphans.length;
}
