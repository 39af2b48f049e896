import { condition, continueAsNew, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { wakeSignal, type WebhookDispatcherInput } from './webhook-dispatcher-messages';

// A drain runs for minutes and heartbeats as it goes: a dead worker's drain
// moves to another worker after the heartbeat timeout.
const { dispatchWebhooks } = proxyActivities<Activities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

/** Past this many events a run continues as new, so replaying it stays cheap. */
const maxHistoryLength = 1_000;

/**
 * Delivers one endpoint's webhook outbox: drains it while messages come,
 * sleeps until the next retry is due or it is woken, and ends when nothing is
 * pending. Attempts, retries and the delivery log are in dispatchWebhooks;
 * the run only holds the wait between them.
 */
export async function webhookDispatcherWorkflow({ endpointId }: WebhookDispatcherInput): Promise<void> {
  let woken = false;
  setHandler(wakeSignal, () => {
    woken = true;
  });
  for (;;) {
    woken = false;
    const outcome = await dispatchWebhooks({ endpointId });
    // A wake that came while the drain stopped may be for what was queued after it: drain again.
    if (outcome.state === 'stopped' && !woken) return;
    if (outcome.state === 'idle') {
      if (outcome.nextAttemptAt === null) {
        if (!woken) return;
      } else {
        await condition(() => woken, Math.max(outcome.nextAttemptAt - Date.now(), 1));
      }
    }
    const info = workflowInfo();
    if (info.continueAsNewSuggested || info.historyLength >= maxHistoryLength) {
      await continueAsNew<typeof webhookDispatcherWorkflow>({ endpointId });
    }
  }
}
