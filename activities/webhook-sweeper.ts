import type { MikroORM } from '@mikro-orm/postgresql';
import type { Client } from '@temporalio/client';
import { stalledEndpoints } from '../store/webhook-endpoints';
import { wakeWebhookDispatchers } from './webhook-waker';

/** Overdue by this much, a message's dispatcher is presumed never woken. */
const stalledAfter = '1 minute';

/**
 * Wakes the dispatchers of endpoints with messages long overdue: the process
 * that queued them lost Temporal before waking one, or its run was
 * terminated. Waking is idempotent, so every worker may sweep.
 */
export async function wakeStalledDispatchers(orm: MikroORM, temporal: Client, taskQueue: string): Promise<number> {
  const stalled = await stalledEndpoints(orm.em.fork(), stalledAfter);
  await wakeWebhookDispatchers(temporal, taskQueue, stalled);
  return stalled.length;
}
