import type { Client } from '@temporalio/client';
import {
  wakeSignal,
  webhookDispatcherWorkflowId,
  webhookDispatcherWorkflowType,
  type WebhookDispatcherInput,
} from '../workflows/webhook-dispatcher-messages';
import type { EndpointsToWake } from '../store/webhook-outbox';

/** Wakes each endpoint's dispatcher, starting it when none runs. */
export async function wakeWebhookDispatchers(
  temporal: Client,
  taskQueue: string,
  endpointIds: EndpointsToWake,
): Promise<void> {
  await Promise.all(
    endpointIds.map((endpointId) =>
      temporal.workflow.signalWithStart(webhookDispatcherWorkflowType, {
        taskQueue,
        workflowId: webhookDispatcherWorkflowId(endpointId),
        args: [{ endpointId } satisfies WebhookDispatcherInput],
        signal: wakeSignal,
        signalArgs: [],
      }),
    ),
  );
}
