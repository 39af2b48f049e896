import type { InvitationState } from './invitation';

/** What hosts see of an invitation, in the API and in webhooks. */
export type InvitationView = Omit<InvitationState, 'ttlMs'>;

export function invitationView(state: InvitationState): InvitationView {
  const { ttlMs: _ttlMs, ...view } = state;
  return view;
}
