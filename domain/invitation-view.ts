import type { InvitationState } from './invitation';

/** What hosts see of an invitation, in the API and in webhooks: not the settings it keeps from its workspace. */
export type InvitationView = Omit<InvitationState, 'ttlMs' | 'resendIntervalMs' | 'reminderOffsetsMs' | 'fallback'>;

export function invitationView(state: InvitationState): InvitationView {
  const {
    ttlMs: _ttlMs,
    resendIntervalMs: _resendIntervalMs,
    reminderOffsetsMs: _reminderOffsetsMs,
    fallback: _fallback,
    ...view
  } = state;
  return view;
}

/**
 * The state of an invitation whose run has closed, rebuilt from what hosts
 * see: the timings it kept from its workspace no longer matter, since no run
 * is left to send anything.
 */
export function closedInvitationState(view: InvitationView): InvitationState {
  return { ...view, ttlMs: 0, resendIntervalMs: 0, reminderOffsetsMs: [] };
}

/** The run's details in the Temporal UI: what was asked for, never who the invitee is. */
export function invitationStaticDetails({ roles, groups, channels }: InvitationState): string {
  return [
    `Roles: ${roles.join(', ') || 'none'}`,
    `Groups: ${groups.join(', ') || 'none'}`,
    `Channels: ${channels.join(', ') || 'link only'}`,
  ].join('\n\n');
}
