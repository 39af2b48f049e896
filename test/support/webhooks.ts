import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Client } from '@temporalio/client';
import { claimIdleEndpoints } from '../../store/webhook-outbox';
import { wakeWebhookDispatchers } from '../../activities/webhook-waker';
import { insertTestDelivery } from './webhook-rows';

/** Queues one `member.removed` message to one endpoint the way the outbox does, and wakes its dispatcher. */
export async function queueWebhook(
  app: { orm: MikroORM; client: Client; taskQueue: string },
  endpointId: string,
  { orderingKey = randomUUID() }: { orderingKey?: string } = {},
): Promise<string> {
  const id = `msg_${randomUUID()}`;
  const toWake = await app.orm.em.fork().transactional(async (em) => {
    await insertTestDelivery(em, endpointId, { id, orderingKey });
    return claimIdleEndpoints(em, [endpointId]);
  });
  await wakeWebhookDispatchers(app.client, app.taskQueue, toWake);
  return id;
}

/** Waits until a message is no longer pending, and returns its status. */
export async function settledDelivery(orm: MikroORM, deliveryId: string, timeoutMs = 20_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [row] = await orm.em
      .fork()
      .execute<{ status: string }[]>('select status from webhook_deliveries where id = ?', [deliveryId]);
    if (row && row.status !== 'pending') return row.status;
    if (Date.now() > deadline) throw new Error(`the delivery ${deliveryId} is still ${row?.status ?? 'missing'}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
