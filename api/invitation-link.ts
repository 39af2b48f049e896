import type { Request } from 'express';
import { deadLinkRefusals, isDeadLink } from '../domain/invitation';
import type { InvitationView } from '../domain/invitation-view';
import { RuleViolation } from '../domain/error-codes';
import { verifyInvitationToken } from '../domain/tokens';
import { getInvitation } from '../store/invitations';
import type { Acceptor } from '../usecases/accept-invitation';
import { acceptForUser } from './accept-for-user';
import type { ApiContext } from './context';
import { invitationRuns } from './invitation-runs';
import { attemptClient, joinAttemptGuard } from './join-attempts';
import { Problem } from './problem';

const invalidTokenDetail = 'this invitation link is not valid';

export const invalidToken = () => new Problem('invalid_token', invalidTokenDetail);

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

/** An invitation link's invitation, and whether the link is dead (expired, revoked, declined). */
export interface LinkedInvitation {
  invitation: InvitationView;
  dead: boolean;
}

/**
 * Reads invitation links for the API and the hosted page alike: tries with
 * forged tokens are capped like wrong workspace codes, in the same attempt
 * log, and a token that does not verify or names an invitation the caller
 * may not see is `invalid_token`.
 */
export function invitationLinks(ctx: ApiContext) {
  const runs = invitationRuns(ctx);
  const guarded = joinAttemptGuard(ctx.orm, ctx.secret, ctx.joinAttempts, { countWhileRunning: false });

  async function read(req: Request, token: string): Promise<LinkedInvitation> {
    const invitationId = verifyInvitationToken(ctx.secret, token);
    if (!invitationId) throw new ForgedToken();
    const invitation = await getInvitation(ctx.orm, invitationId).catch(() => {
      throw invalidToken();
    });
    if (req.caller?.scope === 'workspace' && req.caller.workspaceId !== invitation.workspaceId) throw invalidToken();
    return { invitation, dead: isDeadLink(invitation, new Date()) };
  }

  return {
    runs,
    /** The link's invitation, dead or alive; over the caps, `too_many_attempts`. */
    read: (req: Request, token: string, userId?: string) =>
      guarded(attemptClient(req, userId === undefined ? {} : { userId }), () => read(req, token), isForged),

    hidingDeadLink,

    /** Accepts the link's invitation for a user of the host, a run closing it meanwhile read as a dead link. */
    accept: (invitation: InvitationView, acceptor: Acceptor) =>
      acceptForUser(ctx, runs, invitation, acceptor, 'link').catch(hidingDeadLink),
  };
}

const isForged = (error: unknown) => error instanceof ForgedToken;

/** The run may have closed the link after the projection was read: its refusal reads as a dead link. */
function hidingDeadLink(error: unknown): never {
  if (error instanceof RuleViolation && deadLinkRefusals.includes(error.code)) throw invalidToken();
  throw error;
}
