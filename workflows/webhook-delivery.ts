import { ActivityFailure, patched, proxyActivities, sleep } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { nextAttemptDelayMs } from '../domain/webhook-schedule';

export interface WebhookDeliveryInput {
  deliveryId: string;
}

// Runs started before the schedule moved into the workflow: Temporal's retry
// policy was their schedule.
const { attemptWebhookDelivery } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '3 days',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 6, maximumInterval: '10 hours' },
});

// An attempt reports HTTP failures as its result; what Temporal retries here is
// only a failure of our own (the database away), never the consumer's answer.
const { sendWebhookAttempt, giveUpWebhookDelivery } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

const { markWebhookDeliveryFailed } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
});

async function deliverWithRetryPolicy(deliveryId: string): Promise<'delivered' | 'failed'> {
  try {
    await attemptWebhookDelivery({ deliveryId });
    return 'delivered';
  } catch (error) {
    if (!(error instanceof ActivityFailure)) throw error;
    await markWebhookDeliveryFailed({ deliveryId });
    return 'failed';
  }
}

/**
 * One webhook message to one endpoint, delivered at least once: attempts on
 * the schedule of domain/webhook-schedule.ts, waited out with durable timers,
 * until a 2xx, a `410 Gone` (the endpoint is disabled), or three days.
 */
export async function webhookDeliveryWorkflow({ deliveryId }: WebhookDeliveryInput): Promise<'delivered' | 'failed'> {
  if (!patched('webhook-delivery-schedule')) return deliverWithRetryPolicy(deliveryId);
  const firstAttemptAt = Date.now();
  for (let attemptsMade = 1; ; attemptsMade += 1) {
    const { verdict, retryAfterMs } = await sendWebhookAttempt({ deliveryId });
    if (verdict === 'delivered') return 'delivered';
    if (verdict !== 'retry') return 'failed';
    // Math.random is seeded per run in a workflow: the jitter replays as drawn.
    const delayMs = nextAttemptDelayMs({
      attemptsMade,
      firstAttemptAt,
      now: Date.now(),
      retryAfterMs,
      random: Math.random(),
    });
    if (delayMs === null) {
      await giveUpWebhookDelivery({ deliveryId, firstAttemptAt: new Date(firstAttemptAt).toISOString() });
      return 'failed';
    }
    await sleep(delayMs);
  }
}

export function webhookDeliveryWorkflowId(deliveryId: string): string {
  return `webhook-delivery-${deliveryId}`;
}
