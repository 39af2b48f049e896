import type { AcceptMethod, Invitee } from '../domain/invitation';
import { findMembership } from '../store/members';
import { getWorkspace } from '../store/workspaces';
import { acceptAsMember, type Acceptor } from '../usecases/accept-invitation';
import type { InvitationRuns } from '../usecases/invitation-runs';
import type { ApiContext } from './context';

/** Accepts for a user of the host under the workspace's rules, as it is now, and answers the member too. */
export async function acceptForUser(
  ctx: Pick<ApiContext, 'orm'>,
  runs: InvitationRuns,
  invitation: { id: string; workspaceId: string; invitee: Pick<Invitee, 'userId' | 'email'> },
  acceptor: Acceptor,
  method: AcceptMethod,
) {
  const { settings } = await getWorkspace(ctx.orm, invitation.workspaceId);
  const membershipOf = () => findMembership(ctx.orm, invitation.workspaceId, acceptor.userId);
  return acceptAsMember(runs, invitation, acceptor, method, { settings, membershipOf });
}
