import { z } from 'zod';
import { RuleViolation } from './error-codes';

const cap = z.number().int().positive().nullable().default(null);

/** How much a workspace lets its inviters invite; every cap is off (`null`) unless set. */
export const invitationCapsSchema = z
  .object({
    /** New invitations one inviter may make in any 24 hours; past it, 429 with Retry-After. */
    invitationsPerInviterPerDay: cap,
    /** New invitations the whole workspace may make in any 24 hours; past it, 429 with Retry-After. */
    invitationsPerDay: cap,
    /** Invitations open at once (registered, pending, requested); past it, 409. */
    openInvitations: cap,
  })
  .default({ invitationsPerInviterPerDay: null, invitationsPerDay: null, openInvitations: null });

export type InvitationCaps = z.infer<typeof invitationCapsSchema>;

export const noCaps: InvitationCaps = {
  invitationsPerInviterPerDay: null,
  invitationsPerDay: null,
  openInvitations: null,
};

/** The window the daily caps count over: the last 24 hours, rolling. */
export const capWindowMs = 24 * 60 * 60 * 1000;

/** Whether invitations are to be counted for the daily caps. */
export const countsDaily = (caps: InvitationCaps) =>
  caps.invitationsPerInviterPerDay !== null || caps.invitationsPerDay !== null;

/** What a workspace has used of its caps, the invitation being made left out. */
export interface CapUsage {
  /** The inviter's new invitations in the window, and when the oldest of them was made. */
  byInviter: { count: number; oldest: Date | null };
  /** The workspace's new invitations in the window, and when the oldest of them was made. */
  inWorkspace: { count: number; oldest: Date | null };
  /** Its invitations open now. */
  open: number;
}

/** Seconds until the oldest counted invitation leaves the window, and one more may be made. */
function secondsUntilFree(oldest: Date | null, now: Date): number {
  const freeAt = (oldest?.getTime() ?? now.getTime()) + capWindowMs;
  return Math.max(1, Math.ceil((freeAt - now.getTime()) / 1000));
}

/** The refusal a new invitation meets under `caps`, or `undefined` when it may be made. */
export function capRefusal(caps: InvitationCaps, usage: CapUsage, now: Date): RuleViolation | undefined {
  const perInviter = caps.invitationsPerInviterPerDay;
  if (perInviter !== null && usage.byInviter.count >= perInviter) {
    return new RuleViolation(
      'invitation_cap_reached',
      `this inviter has made the ${perInviter} invitations the workspace allows per 24 hours`,
      undefined,
      secondsUntilFree(usage.byInviter.oldest, now),
    );
  }
  const perDay = caps.invitationsPerDay;
  if (perDay !== null && usage.inWorkspace.count >= perDay) {
    return new RuleViolation(
      'invitation_cap_reached',
      `the workspace has made the ${perDay} invitations it allows per 24 hours`,
      undefined,
      secondsUntilFree(usage.inWorkspace.oldest, now),
    );
  }
  if (caps.openInvitations !== null && usage.open >= caps.openInvitations) {
    return new RuleViolation(
      'open_invitations_cap_reached',
      `the workspace has the ${caps.openInvitations} open invitations it allows: wait for some to close, or revoke some`,
    );
  }
  return undefined;
}
