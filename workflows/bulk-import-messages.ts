import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { BulkProgress } from '../domain/bulk';

/** The name imports are started by: the workflow's own code stays out of the API process. */
export const bulkImportWorkflowType = 'bulkImportWorkflow';

export interface BulkImportInput {
  bulkId: string;
  /** The import's last line: its batches cover lines `fromLine` to `lastLine`. */
  lastLine: number;
  /** Where this run starts; a continued run goes on after the lines its predecessor covered. */
  fromLine?: number;
  /** Lines per activity: each batch is one event pair in history, however many invitations it starts. */
  batchSize?: number;
  /** Lines in flight at once, in batches: the next batch starts when the ones running leave room for it. */
  window?: number;
}

/** Skips the rows not started yet; the batches under way finish first. */
export const cancelBulkUpdate = defineUpdate<void>('cancel');
/** The counters as of the last batch; `null` before the first one ends. */
export const bulkProgressQuery = defineQuery<BulkProgress | null>('progress');
