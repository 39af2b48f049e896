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
