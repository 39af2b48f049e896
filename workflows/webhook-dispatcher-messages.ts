import { defineSignal } from '@temporalio/workflow';

/** What an endpoint's webhook dispatcher is started with and woken by; starters name it, never import it. */
export const webhookDispatcherWorkflowType = 'webhookDispatcherWorkflow';

export interface WebhookDispatcherInput {
  endpointId: string;
}

/** New messages are queued for an endpoint whose dispatcher was idle, or one is due again after a replay. */
export const wakeSignal = defineSignal('wake');

export function webhookDispatcherWorkflowId(endpointId: string): string {
  return `webhook-dispatcher-${endpointId}`;
}
