import type { InvitationState } from '../domain/invitation';
import type { InvitationView } from '../domain/invitation-view';
import type { OpenedInvitation } from '../domain/new-invitation';
import type { WorkspaceSettings } from '../domain/workspace';
import type { RunLauncher } from './invitation-runs';

/**
 * What a new invitation is held to besides its own rules: the workspace's
 * seats and caps, and its suppressed addresses unless `force`.
 */
export type PlaceLimits = Pick<WorkspaceSettings, 'seatLimit' | 'caps'> & { force?: boolean };

/** The database's part of starting an invitation: a person has one open invitation per workspace, and seats. */
export interface PlaceClaims {
  /**
   * Claims the invitee's place and a seat for the invitation, counted against
   * the caps, or answers the open invitation that holds the place.
   */
  claimOrFindOpen(invitation: InvitationState, limits: PlaceLimits): Promise<InvitationView | undefined>;
  /** Gives the place and the seat back, and takes the invitation off the caps' counts. */
  release(invitationId: string): Promise<void>;
}

/** The run started (with what its launcher answered), or the person already has an open invitation. */
export type StartOutcome<T> = { started: T } | { heldBy: InvitationView };

/**
 * Starts an invitation: claims the invitee's place in the workspace, then
 * starts its run; a run that did not start gives the place back. Without
 * `places` (the plugin has no database) neither rule is checked. A seat
 * limit or a cap reached, or an address suppressed, throws its
 * RuleViolation (`seat_limit_reached`, `invitation_cap_reached`,
 * `open_invitations_cap_reached`, `address_suppressed`).
 */
export async function startInvitation<T>(
  places: PlaceClaims | null,
  launch: RunLauncher<T>,
  opened: OpenedInvitation,
  limits: PlaceLimits,
): Promise<StartOutcome<T>> {
  const holder = await places?.claimOrFindOpen(opened.invitation, limits);
  if (holder) return { heldBy: holder };
  const run = await launch(opened);
  if (run.started) return { started: run.value };
  await places?.release(opened.invitation.id);
  throw run.error;
}
