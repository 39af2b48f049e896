import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import { webhookDeliveryWorkflow, webhookDeliveryWorkflowId } from '../workflows/webhook-delivery';

/** Starts one delivery workflow per message; one already started (or finished) is left alone. */
export async function startWebhookDeliveries(
  temporal: Client,
  taskQueue: string,
  deliveryIds: string[],
): Promise<void> {
  await Promise.all(
    deliveryIds.map(async (deliveryId) => {
      try {
        await temporal.workflow.start(webhookDeliveryWorkflow, {
          taskQueue,
          workflowId: webhookDeliveryWorkflowId(deliveryId),
          workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
          args: [{ deliveryId }],
        });
      } catch (error) {
        if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      }
    }),
  );
}
