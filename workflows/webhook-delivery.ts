import { ActivityFailure, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';

export interface WebhookDeliveryInput {
  deliveryId: string;
}

// Temporal's retry policy is the delivery schedule: quick first retries, then
// hours apart, for up to three days; every attempt is logged by the activity.
const { attemptWebhookDelivery } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '3 days',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 6, maximumInterval: '10 hours' },
});

const { markWebhookDeliveryFailed } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
});

/** One webhook message to one endpoint, delivered at least once. */
export async function webhookDeliveryWorkflow({ deliveryId }: WebhookDeliveryInput): Promise<'delivered' | 'failed'> {
  try {
    await attemptWebhookDelivery({ deliveryId });
    return 'delivered';
  } catch (error) {
    if (!(error instanceof ActivityFailure)) throw error;
    await markWebhookDeliveryFailed({ deliveryId });
    return 'failed';
  }
}

export function webhookDeliveryWorkflowId(deliveryId: string): string {
  return `webhook-delivery-${deliveryId}`;
}
