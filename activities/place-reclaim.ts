import type { MikroORM } from '@mikro-orm/postgresql';
import { ApplicationFailure } from '@temporalio/common';
import { RuleViolation } from '../domain/error-codes';
import { noCaps } from '../domain/invitation-caps';
import type { InvitationState } from '../domain/invitation';
import { claim, placeHolder } from '../store/claims';
import type { WorkspaceReader } from '../store/workspaces';

/** A claim with no invitation behind it for this long was left by a creator that died. */
const abandonedAfterMs = 30_000;

/** A refusal the workflow hands to the caller of its update, with the code the API answers. */
function refusal(
  code: 'already_invited' | 'seat_limit_reached' | 'open_invitations_cap_reached',
  message: string,
): ApplicationFailure {
  return ApplicationFailure.create({ type: code, message, nonRetryable: true });
}

/**
 * An expired invitation gave its person's place and its seat back. Sent
 * again, it takes both back, under the same rules as a new invitation: a
 * person has one open invitation per workspace, and the seat limit and the
 * open-invitations cap hold.
 */
export function createPlaceReclaimActivities(deps: { orm: MikroORM; workspaces: WorkspaceReader }) {
  return {
    async reclaimPlace({ invitation }: { invitation: InvitationState }): Promise<void> {
      const { seatLimit, caps } = (await deps.workspaces.get(invitation.workspaceId)).settings;
      // Sent again, it is open again, but not a new invitation: only the open cap holds.
      const rules = {
        seatLimit,
        caps: { ...noCaps, openInvitations: caps.openInvitations },
        inviterId: invitation.inviter.userId,
      };
      const conflict = await claim(deps.orm, invitation.workspaceId, invitation.invitee, invitation.id, rules).catch(
        (error: unknown) => {
          throw error instanceof RuleViolation &&
            (error.code === 'seat_limit_reached' || error.code === 'open_invitations_cap_reached')
            ? refusal(error.code, error.message)
            : error;
        },
      );
      if (!conflict) return;
      const holder = await placeHolder(deps.orm, conflict, abandonedAfterMs);
      if (holder === 'creating') {
        // Another invitation for the person is being created: the retry finds it open, or abandoned.
        throw ApplicationFailure.retryable('another invitation for the person is being created', 'place_in_flux');
      }
      if (holder === 'released') {
        throw ApplicationFailure.retryable(
          'the place was held by an invitation that ended; claiming again',
          'place_in_flux',
        );
      }
      throw refusal('already_invited', `the person already has the open invitation ${holder.open.id}`);
    },
  };
}
