import { RuleViolation } from '../domain/error-codes';
import type { AcceptMethod, Invitee } from '../domain/invitation';
import type { InvitationView } from '../domain/invitation-view';
import type { MemberView } from '../domain/member';
import { checkMayAccept } from '../domain/policies';
import type { WorkspaceSettings } from '../domain/workspace';
import { acceptUpdate } from '../workflows/invitation-messages';
import { runUpdate, type InvitationRuns } from './invitation-runs';

export interface Acceptor {
  userId: string;
  /** The user's verified email, which `requireEmailMatch` compares with the invited one. */
  email?: string;
}

type Invitation = { id: string; invitee: Pick<Invitee, 'userId' | 'email'> };

/** A user's membership of a workspace, and the invitation it came from. */
export interface Membership {
  invitationId: string | null;
  member: MemberView;
}

/**
 * Accepts an invitation for a user of the host. With the workspace's
 * `settings` its rules are checked first (the verified email; a membership
 * the user already has, when `membership` is known); without them only the
 * run's own rule holds, the account an invitation was made for. The same user
 * accepting again gets the acceptance that happened, even once the run has
 * closed.
 */
export async function acceptInvitation(
  runs: InvitationRuns,
  invitation: Invitation,
  acceptor: Acceptor,
  method: AcceptMethod,
  rules: { settings?: WorkspaceSettings; membership?: Membership | null } = {},
): Promise<InvitationView> {
  if (rules.settings) checkMayAccept(rules.settings, invitation, acceptor, rules.membership);
  return runUpdate(runs, invitation.id, acceptUpdate, { userId: acceptor.userId, method });
}

/**
 * Accepts where the memberships can be read (the API: the link, and matching
 * at sign-up), under every rule, and answers the member as it is now.
 */
export async function acceptAsMember(
  runs: InvitationRuns,
  invitation: Invitation,
  acceptor: Acceptor,
  method: AcceptMethod,
  { settings, membershipOf }: { settings: WorkspaceSettings; membershipOf: () => Promise<Membership | null> },
): Promise<{ invitation: InvitationView; member: MemberView }> {
  const membership = await membershipOf();
  const accepted = await acceptInvitation(runs, invitation, acceptor, method, { settings, membership });
  // The run has recorded the membership by now; a repeated acceptance finds it as it is since (disabled, or gone).
  const now = await membershipOf();
  if (!now) {
    throw new RuleViolation(
      'invitation_already_accepted',
      'the invitation was accepted, and the membership it gave was removed since',
    );
  }
  return { invitation: accepted, member: now.member };
}
