import { continueAsNew, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { BulkProgress } from '../domain/bulk';
import { bulkProgressQuery, cancelBulkUpdate, type BulkImportInput } from './bulk-import-messages';

const defaultBatchSize = 100;
const defaultWindow = 400;
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

/**
 * Starts an import's invitations batch by batch, several batches at once
 * within the window, then announces `bulk.completed`. A batch covers a fixed
 * range of lines, so batches running side by side never take the same row.
 */
export async function bulkImportWorkflow(input: BulkImportInput): Promise<BulkProgress> {
  const size = input.batchSize ?? defaultBatchSize;
  const inFlightLimit = Math.max(1, Math.floor((input.window ?? defaultWindow) / size));
  let cancelled = false;
  let progress: BulkProgress | null = null;
  setHandler(cancelBulkUpdate, () => {
    cancelled = true;
  });
  setHandler(bulkProgressQuery, () => progress);

  const running = new Set<Promise<void>>();
  const startBatch = (fromLine: number) => {
    const batch: Promise<void> = startBulkBatch({ bulkId: input.bulkId, fromLine, toLine: fromLine + size }).then(
      (answered) => {
        progress = answered;
        running.delete(batch);
      },
    );
    running.add(batch);
  };

  let next = input.fromLine ?? 0;
  while (!cancelled && next <= input.lastLine) {
    if (running.size >= inFlightLimit) {
      await Promise.race(running);
      continue;
    }
    startBatch(next);
    next += size;
    const info = workflowInfo();
    if (info.continueAsNewSuggested || info.historyLength > maxHistoryEvents) {
      await Promise.all(running);
      // A new run would not know of a cancel that arrived during the last batches.
      if (cancelled || next > input.lastLine) break;
      await continueAsNew<typeof bulkImportWorkflow>({ ...input, fromLine: next });
    }
  }
  await Promise.all(running);
  return finishBulk({ bulkId: input.bulkId, cancelled });
}
