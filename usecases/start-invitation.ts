import type { InvitationState } from '../domain/invitation';
import type { InvitationView } from '../domain/invitation-view';
import type { OpenedInvitation } from '../domain/new-invitation';
import type { RunLauncher } from './invitation-runs';

/** The database's part of starting an invitation: a person has one open invitation per workspace, and seats. */
export interface PlaceClaims {
  /** Claims the invitee's place and a seat for the invitation, or answers the open invitation that holds the place. */
  claimOrFindOpen(invitation: InvitationState, seatLimit: number | null): Promise<InvitationView | undefined>;
  /** Gives the place and the seat back. */
  release(invitationId: string): Promise<void>;
}

/** The run started (with what its launcher answered), or the person already has an open invitation. */
export type StartOutcome<T> = { started: T } | { heldBy: InvitationView };

/**
 * Starts an invitation: claims the invitee's place in the workspace, then
 * starts its run; a run that did not start gives the place back. Without
 * `places` (the plugin has no database) neither rule is checked. A seat
 * limit reached throws a RuleViolation (`seat_limit_reached`).
 */
export async function startInvitation<T>(
  places: PlaceClaims | null,
  launch: RunLauncher<T>,
  opened: OpenedInvitation,
  seatLimit: number | null,
): Promise<StartOutcome<T>> {
  const holder = await places?.claimOrFindOpen(opened.invitation, seatLimit);
  if (holder) return { heldBy: holder };
  const run = await launch(opened);
  if (run.started) return { started: run.value };
  await places?.release(opened.invitation.id);
  throw run.error;
}
