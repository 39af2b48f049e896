import { RuleViolation } from './error-codes';
import type { Inviter } from './invitation';
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
  roles.forEach((role, index) => {
    if (!settings.roles.includes(role)) {
      throw new RuleViolation('unknown_role', `role "${role}" does not exist in this workspace`, `/roles/${index}`);
    }
  });
}
