import { RuleViolation } from './error-codes';
import { emailKey } from './contact';
import { checkAcceptingAccount, type Invitee, type Inviter } from './invitation';
import type { WorkspaceSettings } from './workspace';

/**
 * Who may invite, and with which roles: data from the workspace settings,
 * checked here once rather than in each handler.
 */
export function checkMayInvite(settings: WorkspaceSettings, inviter: Inviter, roles: string[]): void {
  if (!inviter.roles.some((role) => settings.inviterRoles.includes(role))) {
    throw new RuleViolation(
      'inviter_not_allowed',
      `only members with one of the roles ${settings.inviterRoles.join(', ')} may invite`,
      '/inviter/roles',
    );
  }
  checkKnownRoles(settings, roles);
  checkGrantable(settings, inviter, roles);
}

/** A role is granted only if one of the inviter's inviter roles may grant it (`settings.grants`). */
function mayGrant(settings: WorkspaceSettings, inviter: Inviter, role: string): boolean {
  const granters = inviter.roles.filter((held) => settings.inviterRoles.includes(held));
  return granters.some((granter) => settings.grants[granter]?.includes(role) ?? true);
}

/** The workspace roles `inviter` may grant: none unless they hold an inviter role. */
export function grantableRoles(settings: WorkspaceSettings, inviter: Inviter): string[] {
  return settings.roles.filter((role) => mayGrant(settings, inviter, role));
}

/**
 * Holds someone other than the inviter to the inviting policy (an approver,
 * the maker of a change): a refusal names their fields, under `actor`.
 */
export function checkMayInviteAs(actor: string, settings: WorkspaceSettings, inviter: Inviter, roles: string[]): void {
  try {
    checkMayInvite(settings, inviter, roles);
  } catch (error) {
    if (!(error instanceof RuleViolation) || !error.field?.startsWith('/inviter/')) throw error;
    throw new RuleViolation(error.code, error.message, error.field.replace('/inviter/', `/${actor}/`));
  }
}

function checkGrantable(settings: WorkspaceSettings, inviter: Inviter, roles: string[]): void {
  roles.forEach((role, index) => {
    if (!mayGrant(settings, inviter, role)) {
      throw new RuleViolation('role_not_grantable', `your roles may not grant the role "${role}"`, `/roles/${index}`);
    }
  });
}

/** Only the workspace's own roles can be granted; the first unknown one is named by its place in `/roles`. */
export function checkKnownRoles(settings: WorkspaceSettings, roles: string[]): void {
  roles.forEach((role, index) => {
    if (!settings.roles.includes(role)) {
      throw new RuleViolation('unknown_role', `role "${role}" does not exist in this workspace`, `/roles/${index}`);
    }
  });
}

/**
 * Who may accept an invitation. One made for a known account (the
 * invitee already has a user id) is that account's alone; with
 * `requireEmailMatch`, the accepting user's verified email must be the
 * invited one. A refusal leaves the invitation usable by the right person.
 */
export function checkMayAccept(
  settings: WorkspaceSettings,
  invitation: { id: string; invitee: Pick<Invitee, 'userId' | 'email'> },
  acceptor: { userId: string; email?: string },
  /** The acceptor's membership of the workspace, when there is one and it is known. */
  membership?: { invitationId: string | null } | null,
): void {
  const { invitee } = invitation;
  checkAcceptingAccount(invitee, acceptor.userId);
  // A membership from this very invitation is a repeated acceptance, answered with what happened.
  if (membership && membership.invitationId !== invitation.id) {
    throw new RuleViolation('already_member', 'this user is already a member of the workspace');
  }
  if (settings.requireEmailMatch && invitee.email !== null) {
    if (!acceptor.email || emailKey(acceptor.email) !== emailKey(invitee.email)) {
      throw new RuleViolation('email_mismatch', "the accepting user's verified email is not the invited one", '/email');
    }
  }
}
