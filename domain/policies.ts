import { RuleViolation } from './error-codes';
import { emailKey } from './contact';
import type { Invitee, Inviter } from './invitation';
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
 * Who may accept an invitation. One made for a known account (Kommo: the
 * invitee already has a user id) is that account's alone; with
 * `requireEmailMatch`, the accepting user's verified email must be the
 * invited one. A refusal leaves the invitation usable by the right person.
 */
export function checkMayAccept(
  settings: WorkspaceSettings,
  invitee: Invitee,
  acceptor: { userId: string; email?: string },
): void {
  if (invitee.userId !== null && invitee.userId !== acceptor.userId) {
    throw new RuleViolation('wrong_account', 'this invitation was made for another account', '/userId');
  }
  if (settings.requireEmailMatch && invitee.email !== null) {
    if (!acceptor.email || emailKey(acceptor.email) !== emailKey(invitee.email)) {
      throw new RuleViolation('email_mismatch', "the accepting user's verified email is not the invited one", '/email');
    }
  }
}
