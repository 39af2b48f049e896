import { MemberSchema } from '../db/entities';
import type { AcceptMethod, Invitee } from '../domain/invitation';
import type { InvitationView } from '../domain/invitation-view';
import type { MemberView } from '../domain/member';
import { checkMayAccept } from '../domain/policies';
import { acceptUpdate } from '../workflows/invitation-messages';
import type { ApiContext } from './context';
import { runInvitationUpdate } from './invitation-workflows';
import { memberView } from './member-store';
import { Problem } from './problem';
import { getWorkspace } from './workspace-store';

export interface Acceptor {
  userId: string;
  /** The user's verified email, which `requireEmailMatch` compares with the invited one. */
  email?: string;
}

/**
 * Accepts an invitation for a user of the host, under every accept rule: the
 * account it was made for, the verified email, a membership the user already
 * has. The link and matching at sign-up both accept through here; the run
 * itself holds the account rule, so the plugin, which has no database, keeps
 * that one too. The member answered is the real one, as it is now.
 */
export async function acceptInvitation(
  ctx: Pick<ApiContext, 'orm' | 'temporal' | 'temporalTimeoutMs'>,
  invitation: { id: string; workspaceId: string; invitee: Pick<Invitee, 'userId' | 'email'> },
  acceptor: Acceptor,
  method: AcceptMethod,
): Promise<{ invitation: InvitationView; member: MemberView }> {
  const membershipOf = () =>
    ctx.orm.em.fork().findOne(MemberSchema, { workspaceId: invitation.workspaceId, userId: acceptor.userId });
  const workspace = await getWorkspace(ctx.orm, invitation.workspaceId);
  checkMayAccept(workspace.settings, invitation, acceptor, await membershipOf());
  const accepted = await runInvitationUpdate(ctx, invitation.id, acceptUpdate, { userId: acceptor.userId, method });
  // The run has recorded the membership by now; a repeated acceptance finds it as it is since (disabled, or gone).
  const member = await membershipOf();
  if (!member) {
    throw new Problem(
      'invitation_already_accepted',
      'the invitation was accepted, and the membership it gave was removed since',
    );
  }
  return { invitation: accepted, member: memberView(member) };
}
