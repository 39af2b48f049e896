import { z } from 'zod';

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

export const bulkSummarySchema = z
  .object({
    id: z.string(),
    workspaceId: z.string(),
    status: z.enum(bulkStatuses),
    total: z.number().int(),
    sent: z.number().int(),
    failed: z.number().int(),
    remaining: z.number().int(),
    createdAt: z.iso.datetime(),
    finishedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'BulkImportSummary' });

export type BulkImportSummary = z.infer<typeof bulkSummarySchema>;

export const bulkImportSchema = bulkSummarySchema
  .extend({
    rows: z.array(
      z.object({
        line: z
          .number()
          .int()
          .describe('Where the row is: the line in the CSV (header = 1), or the position in the list'),
        email: z.string().nullable(),
        phone: z.string().nullable(),
        outcome: z.enum(bulkOutcomes),
        code: z
          .string()
          .nullable()
          .describe(
            'Why a row failed (invalid_email, invalid_phone, missing_contact, phone_consent_required, unknown_role, ' +
              'duplicate_in_file, already_member, already_invited, seat_limit_reached, invitation_cap_reached, ' +
              'open_invitations_cap_reached, address_suppressed, start_refused: Temporal ' +
              'refused its start for good) or was skipped (cancelled)',
          ),
        invitationId: z.string().nullable().describe('The invitation sent, or the open one that made the row fail'),
      }),
    ),
  })
  .meta({ id: 'BulkImport' });

export type BulkImport = z.infer<typeof bulkImportSchema>;

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
