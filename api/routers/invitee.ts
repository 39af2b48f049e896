import { Router, type Request } from 'express';
import {
  acceptInvitationSchema,
  declineInvitationSchema,
  lookupInvitationQuerySchema,
} from '../../domain/invitation-input';
import { MemberSchema } from '../../db/entities';
import type { ErrorCode } from '../../domain/error-codes';
import type { InvitationStatus } from '../../domain/invitation';
import { checkMayAccept } from '../../domain/policies';
import { verifyInvitationToken } from '../../domain/tokens';
import { acceptUpdate, declineUpdate } from '../../workflows/invitation';
import type { ApiContext } from '../context';
import { getInvitation } from '../invitation-store';
import { runInvitationUpdate } from '../invitation-workflows';
import { joinAttemptGuard } from '../join-attempts';
import { Problem } from '../problem';
import { parseBody, parseQuery } from '../validate';
import { getWorkspace } from '../workspace-store';

/**
 * A dead link tells its holder no more than a link that never was: whether the
 * invitation expired, was revoked or declined stays with the host. An accepted
 * link still says so, so a host can answer "already accepted".
 */
const deadLinkStatuses: readonly InvitationStatus[] = ['expired', 'revoked', 'declined'];
const deadLinkRefusals: readonly ErrorCode[] = ['invitation_expired', 'invitation_revoked', 'invitation_declined'];

const invalidToken = () => new Problem('invalid_token', 'this invitation link is not valid');

const isInvalidToken = (error: unknown) => error instanceof Problem && error.code === 'invalid_token';

/**
 * What the invitee's side of the host calls with the token from the link.
 * Every token that does not verify, names an invitation the caller may not
 * see, or whose link is dead gets the same answer; such tries are capped like
 * wrong workspace codes, in the same attempt log.
 */
export function inviteeRouter(ctx: ApiContext): Router {
  const router = Router();
  const guarded = joinAttemptGuard(ctx.orm, ctx.secret, ctx.joinAttempts, { countWhileRunning: false });

  async function invitationOf(req: Request, token: string) {
    const invitationId = verifyInvitationToken(ctx.secret, token);
    if (!invitationId) throw invalidToken();
    const invitation = await getInvitation(ctx.orm, invitationId).catch(() => {
      throw invalidToken();
    });
    if (req.caller?.scope === 'workspace' && req.caller.workspaceId !== invitation.workspaceId) throw invalidToken();
    if (deadLinkStatuses.includes(invitation.status)) throw invalidToken();
    return invitation;
  }

  /** The run may have closed the link after the projection was read. */
  function hidingDeadLink(error: unknown): never {
    if (error instanceof Problem && deadLinkRefusals.includes(error.code)) throw invalidToken();
    throw error;
  }

  // A GET never consumes the token: mail scanners and link previews follow links.
  router.get('/v1/invitations/lookup', async (req, res) => {
    const { token } = parseQuery(lookupInvitationQuerySchema, req);
    const invitation = await guarded({ ip: req.ip ?? 'unknown' }, () => invitationOf(req, token), isInvalidToken);
    const workspace = await getWorkspace(ctx.orm, invitation.workspaceId);
    res.json({
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
    });
  });

  router.post('/v1/invitations/accept', async (req, res) => {
    const input = parseBody(acceptInvitationSchema, req);
    const invitation = await guarded(
      { ip: req.ip ?? 'unknown', userId: input.userId },
      () => invitationOf(req, input.token),
      isInvalidToken,
    );
    const workspace = await getWorkspace(ctx.orm, invitation.workspaceId);
    checkMayAccept(workspace.settings, invitation.invitee, input);
    const membership = await ctx.orm.em
      .fork()
      .findOne(MemberSchema, { workspaceId: invitation.workspaceId, userId: input.userId });
    if (membership && membership.invitationId !== invitation.id) {
      throw new Problem('already_member', 'this user is already a member of the workspace');
    }
    const accepted = await runInvitationUpdate(ctx, invitation.id, acceptUpdate, {
      userId: input.userId,
      method: 'link',
    }).catch(hidingDeadLink);
    res.json({
      invitation: accepted,
      member: {
        workspaceId: accepted.workspaceId,
        userId: input.userId,
        roles: accepted.roles,
        groups: accepted.groups,
        status: 'active',
        joinedVia: 'invitation',
        joinedAt: accepted.acceptedAt,
      },
    });
  });

  router.post('/v1/invitations/decline', async (req, res) => {
    const input = parseBody(declineInvitationSchema, req);
    const invitation = await guarded({ ip: req.ip ?? 'unknown' }, () => invitationOf(req, input.token), isInvalidToken);
    res.json({ invitation: await runInvitationUpdate(ctx, invitation.id, declineUpdate, {}).catch(hidingDeadLink) });
  });

  return router;
}
