/** An import runs until every row is started or skipped; cancelling skips the rows not started yet. */
export const bulkStatuses = ['running', 'completed', 'cancelled'] as const;
export type BulkStatus = (typeof bulkStatuses)[number];

/** `pending` until started; `failed` rows name why in `code`; `skipped` rows were cancelled before starting. */
export const bulkOutcomes = ['pending', 'sent', 'failed', 'skipped'] as const;
export type BulkOutcome = (typeof bulkOutcomes)[number];

export interface BulkProgress {
  total: number;
  sent: number;
  failed: number;
  remaining: number;
}

/** The counters of an import from how many of its rows have each outcome. */
export function bulkProgress(counts: Partial<Record<BulkOutcome, number>>): BulkProgress {
  const sent = counts.sent ?? 0;
  const failed = counts.failed ?? 0;
  const remaining = counts.pending ?? 0;
  return { total: sent + failed + remaining + (counts.skipped ?? 0), sent, failed, remaining };
}

/** The workflow ID of an import: its id only. */
export function bulkWorkflowId(bulkId: string): string {
  return `bulk-${bulkId}`;
}
