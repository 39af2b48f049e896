import { z } from 'zod';
import { timestampSchema } from './timestamp';
import { DAY } from './duration';
import { invitationStatuses, type InvitationStatus } from './invitation';
import { channels } from './workspace';

/** Without `from`, the period is the 30 days before `to`. */
export const defaultStatsPeriodMs = 30 * DAY;
/** One query scans at most a year of invitations. */
export const maxStatsPeriodMs = 366 * DAY;

export const statsQuerySchema = z
  .object({
    from: timestampSchema.optional(),
    to: timestampSchema.optional(),
  })
  .refine(({ from, to }) => from === undefined || to === undefined || Date.parse(from) < Date.parse(to), {
    message: 'must be before `to`',
    path: ['from'],
  })
  .refine(
    ({ from, to }) => from === undefined || to === undefined || Date.parse(to) - Date.parse(from) <= maxStatsPeriodMs,
    { message: 'the period may span at most 366 days', path: ['from'] },
  );

export type StatsQuery = z.infer<typeof statsQuerySchema>;

export interface StatsPeriod {
  from: Date;
  to: Date;
}

/** The invitations counted are those created in [from, to). */
export function statsPeriod(query: StatsQuery, now: Date): StatsPeriod {
  const to = query.to ? new Date(query.to) : now;
  const from = query.from ? new Date(query.from) : new Date(to.getTime() - defaultStatsPeriodMs);
  return { from, to };
}

/** What the database counts for one slice of the funnel: the whole workspace, a channel or an inviter. */
export interface FunnelCounts {
  total: number;
  /** Sent at least once, or accepted (a match needs no message): the invitations the person could act on. */
  reached: number;
  accepted: number;
}

export const statsChannels = [...channels, 'link'] as const;

const funnelSliceSchema = z.object({
  total: z.int().describe('Invitations created in the period'),
  reached: z.int().describe('Of those, sent at least once or accepted: the ones their invitee could act on'),
  accepted: z.int(),
  acceptanceRate: z.number().nullable().describe('accepted / reached, 0 to 1; null when none was reached'),
});

export const workspaceStatsSchema = funnelSliceSchema
  .extend({
    workspaceId: z.string(),
    from: z.iso.datetime(),
    to: z.iso.datetime(),
    byStatus: z.object(
      Object.fromEntries(invitationStatuses.map((status) => [status, z.int()])) as Record<InvitationStatus, z.ZodInt>,
    ),
    medianSecondsToAccept: z
      .number()
      .nullable()
      .describe('From the first send (or creation, for a match) to acceptance; null when none was accepted'),
    byChannel: z
      .array(funnelSliceSchema.extend({ channel: z.enum(statsChannels) }))
      .describe(
        'An invitation on two channels counts in both; `link` is one with no message channel (link or QR only)',
      ),
    byInviter: z
      .array(funnelSliceSchema.extend({ userId: z.string() }))
      .describe('The 100 inviters with most invitations'),
  })
  .meta({ id: 'WorkspaceStats' });

export type WorkspaceStats = z.infer<typeof workspaceStatsSchema>;
export type FunnelSlice = z.infer<typeof funnelSliceSchema>;

/** Rounded to four places: enough for a percentage with two decimals. */
export function acceptanceRate({ accepted, reached }: FunnelCounts): number | null {
  return reached === 0 ? null : Math.round((accepted / reached) * 10_000) / 10_000;
}

export function funnelSlice(counts: FunnelCounts): FunnelSlice {
  return { ...counts, acceptanceRate: acceptanceRate(counts) };
}

/** Every status present, zero where no invitation is in it, so consumers need no defaults. */
export function statusCounts(counted: Partial<Record<InvitationStatus, number>>): Record<InvitationStatus, number> {
  return Object.fromEntries(invitationStatuses.map((status) => [status, counted[status] ?? 0])) as Record<
    InvitationStatus,
    number
  >;
}
