import {
  continueAsNew,
  defineQuery,
  defineUpdate,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { BulkProgress } from '../domain/bulk';

export interface BulkImportInput {
  bulkId: string;
  /** Rows per activity: each batch is one event pair in history, however many invitations it starts. */
  batchSize?: number;
}

/** Skips the rows not started yet; the batch under way finishes first. */
export const cancelBulkUpdate = defineUpdate<void>('cancel');
/** The counters as of the last batch; `null` before the first one ends. */
export const bulkProgressQuery = defineQuery<BulkProgress | null>('progress');

const defaultBatchSize = 50;
/** Well below Temporal's own limits: a 10,000-row import continues as new a few times rather than growing one history. */
const maxHistoryEvents = 2_000;

// A batch heartbeats after each row: a worker killed mid-batch is noticed within the heartbeat timeout and the
// batch retried elsewhere (its rows are idempotent), rather than the import stalling for the whole start-to-close.
const { startBulkBatch } = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '15 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

// One transaction: a minute is ample, and bounds how long a lost worker can hold up `bulk.completed`.
const { finishBulk } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

/** Starts an import's invitations batch by batch, then announces `bulk.completed`. */
export async function bulkImportWorkflow(input: BulkImportInput): Promise<BulkProgress> {
  let cancelled = false;
  let progress: BulkProgress | null = null;
  setHandler(cancelBulkUpdate, () => {
    cancelled = true;
  });
  setHandler(bulkProgressQuery, () => progress);

  while (!cancelled) {
    progress = await startBulkBatch({ bulkId: input.bulkId, size: input.batchSize ?? defaultBatchSize });
    if (progress.remaining === 0) break;
    const info = workflowInfo();
    if (info.continueAsNewSuggested || info.historyLength > maxHistoryEvents) {
      // A new run would not know of a cancel that arrived during the last batch.
      if (cancelled) break;
      await continueAsNew<typeof bulkImportWorkflow>(input);
    }
  }
  return finishBulk({ bulkId: input.bulkId, cancelled });
}
