import type { Client } from '@temporalio/client';
import { wakeSignal, webhookDispatcherWorkflow, webhookDispatcherWorkflowId } from '../workflows/webhook-dispatcher';
import type { EndpointsToWake } from './webhook-outbox';

/** Wakes each endpoint's dispatcher, starting it when none runs. */
export async function wakeWebhookDispatchers(
  temporal: Client,
  taskQueue: string,
  endpointIds: EndpointsToWake,
): Promise<void> {
  await Promise.all(
    endpointIds.map((endpointId) =>
      temporal.workflow.signalWithStart(webhookDispatcherWorkflow, {
        taskQueue,
        workflowId: webhookDispatcherWorkflowId(endpointId),
        args: [{ endpointId }],
        signal: wakeSignal,
        signalArgs: [],
      }),
    ),
  );
}
