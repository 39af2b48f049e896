import { RuleViolation } from './error-codes';
import type { Inviter } from './invitation';
import { checkKnownRoles, checkMayInvite, checkMayInviteAs } from './policies';
import type { WorkspaceSettings } from './workspace';

/**
 * What an invitation by `inviter` becomes: sent or registered as asked
 * (`invite`), or a request for an inviter to approve (`request`) when the
 * inviter may not invite and the workspace lets members ask. Anything else
 * the inviting policy refuses stays refused.
 */
export function inviteOrRequest(settings: WorkspaceSettings, inviter: Inviter, roles: string[]): 'invite' | 'request' {
  try {
    checkMayInvite(settings, inviter, roles);
    return 'invite';
  } catch (error) {
    if (!(error instanceof RuleViolation) || error.code !== 'inviter_not_allowed' || !settings.allowInviteRequests) {
      throw error;
    }
  }
  checkKnownRoles(settings, roles);
  return 'request';
}

/**
 * Approving or rejecting a request is deciding to invite: the approver is held
 * to the inviting policy, with the roles the request asks for. A refusal names
 * the approver's fields rather than the inviter's.
 */
export function checkMayApprove(settings: WorkspaceSettings, approver: Inviter, roles: string[]): void {
  checkMayInviteAs('approver', settings, approver, roles);
}
