import { Router, type Request } from 'express';
import type { InvitationLookup } from '../../domain/invitation-view';
import { deadLinkRefusals, isDeadLink } from '../../domain/invitation';
import { verifyInvitationToken } from '../../domain/tokens';
import { declineUpdate } from '../../workflows/invitation-messages';
import { findMembership } from '../../store/members';
import { acceptAsMember } from '../../usecases/accept-invitation';
import type { ApiContext } from '../context';
import { getInvitation } from '../../store/invitations';
import { invitationRuns } from '../invitation-runs';
import { runUpdate } from '../../usecases/invitation-runs';
import { RuleViolation } from '../../domain/error-codes';
import { attemptClient, joinAttemptGuard } from '../join-attempts';
import { Problem } from '../problem';
import { routes } from '../../contract';
import { serve } from '../serve';
import { getWorkspace } from '../../store/workspaces';

const invalidTokenDetail = 'this invitation link is not valid';

const invalidToken = () => new Problem('invalid_token', invalidTokenDetail);

/**
 * A token whose MAC does not verify: a guess, or a mangled link. Only these
 * count against the caps. A dead link is a real link; counting it would let a
 * few old emails clicked through a host's backend lock out all its invitees.
 * The answer is the same either way.
 */
class ForgedToken extends Problem {
  constructor() {
    super('invalid_token', invalidTokenDetail);
  }
}

const isForged = (error: unknown) => error instanceof ForgedToken;

/**
 * What the invitee's side of the host calls with the token from the link.
 * Every token that does not verify, names an invitation the caller may not
 * see, or whose link is dead gets the same answer; tries with forged tokens
 * are capped like wrong workspace codes, in the same attempt log.
 */
export function invitationLinksRouter(ctx: ApiContext): Router {
  const router = Router();
  const runs = invitationRuns(ctx);
  const guarded = joinAttemptGuard(ctx.orm, ctx.secret, ctx.joinAttempts, { countWhileRunning: false });

  async function invitationOf(req: Request, token: string) {
    const invitationId = verifyInvitationToken(ctx.secret, token);
    if (!invitationId) throw new ForgedToken();
    const invitation = await getInvitation(ctx.orm, invitationId).catch(() => {
      throw invalidToken();
    });
    if (req.caller?.scope === 'workspace' && req.caller.workspaceId !== invitation.workspaceId) throw invalidToken();
    if (isDeadLink(invitation, new Date())) throw invalidToken();
    return invitation;
  }

  /** The run may have closed the link after the projection was read. */
  function hidingDeadLink(error: unknown): never {
    if (error instanceof RuleViolation && deadLinkRefusals.includes(error.code)) throw invalidToken();
    throw error;
  }

  // A GET never consumes the token: mail scanners and link previews follow links.
  serve(router, routes.lookupInvitation, async ({ query: { token } }, req) => {
    const invitation = await guarded(attemptClient(req), () => invitationOf(req, token), isForged);
    const workspace = await getWorkspace(ctx.orm, invitation.workspaceId);
    const lookup: InvitationLookup = {
      invitation: {
        id: invitation.id,
        status: invitation.status,
        invitee: invitation.invitee,
        roles: invitation.roles,
        groups: invitation.groups,
        inviter: { userId: invitation.inviter.userId, name: invitation.inviter.name ?? null },
        expiresAt: invitation.expiresAt,
        erasedAt: invitation.erasedAt ?? null,
      },
      workspace: { id: workspace.id, name: workspace.name },
    };
    return { status: 200, body: lookup };
  });

  serve(router, routes.acceptInvitation, async ({ body: input }, req) => {
    const invitation = await guarded(
      attemptClient(req, { userId: input.userId }),
      () => invitationOf(req, input.token),
      isForged,
    );
    const { userId, email } = input;
    const { settings } = await getWorkspace(ctx.orm, invitation.workspaceId);
    const membershipOf = () => findMembership(ctx.orm, invitation.workspaceId, userId);
    const accepted = acceptAsMember(runs, invitation, { userId, email }, 'link', { settings, membershipOf });
    return { status: 200, body: await accepted.catch(hidingDeadLink) };
  });

  serve(router, routes.declineInvitation, async ({ body: input }, req) => {
    const invitation = await guarded(attemptClient(req), () => invitationOf(req, input.token), isForged);
    const by = input.userId;
    const declined = await runUpdate(runs, invitation.id, declineUpdate, { by }).catch(hidingDeadLink);
    return { status: 200, body: { invitation: declined } };
  });

  return router;
}
