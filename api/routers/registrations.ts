import { Router } from 'express';
import { RuleViolation } from '../../domain/error-codes';
import { matchMethod, type RegistrationResult } from '../../domain/registration';
import { openInvitationsTo } from '../../store/invitations';
import { acceptForUser } from '../accept-for-user';
import { domainJoins } from '../domain-joins';
import { invitationRuns } from '../invitation-runs';
import type { ApiContext } from '../context';
import { Problem } from '../problem';
import { routes } from '../../contract';
import { serve } from '../serve';

/**
 * Sign-up on the host, where the invitee may never click the link: the open invitations a user's verified
 * email or phone matches are accepted for them, in every workspace the
 * caller's key covers, oldest first; then the workspaces that auto-join
 * the verified email's domain.
 */
export function registrationsRouter(ctx: ApiContext): Router {
  const router = Router();
  const runs = invitationRuns(ctx);
  const joinByDomain = domainJoins(ctx);

  serve(router, routes.registerUser, async ({ body: registration }, req) => {
    const scoped = req.caller?.scope === 'workspace' ? req.caller.workspaceId : null;
    const candidates = await openInvitationsTo(ctx.orm, registration, scoped);
    const matched: RegistrationResult['matched'] = [];
    const skipped: RegistrationResult['skipped'] = [];
    for (const candidate of candidates) {
      const method = matchMethod(candidate, registration);
      if (!method) continue;
      const where = { invitationId: candidate.id, workspaceId: candidate.workspaceId };
      const invitation = {
        id: candidate.id,
        workspaceId: candidate.workspaceId,
        invitee: { userId: candidate.userId, email: candidate.email },
      };
      const { userId, email } = registration;
      try {
        await acceptForUser(ctx, runs, invitation, { userId, ...(email && { email }) }, method);
        matched.push({ ...where, method });
      } catch (error) {
        // One invitation that cannot be accepted (another account's, expired, taken meanwhile) does not stop the others.
        if (error instanceof Problem || error instanceof RuleViolation) skipped.push({ ...where, code: error.code });
        else throw error;
      }
    }
    const accepted = new Set(matched.map((match) => match.workspaceId));
    const byDomain = await joinByDomain(registration, scoped, accepted);
    return { status: 200, body: { userId: registration.userId, matched, skipped, domainJoins: byDomain } };
  });

  return router;
}
