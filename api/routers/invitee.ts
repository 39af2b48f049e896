import { Router, type Request } from 'express';
import {
  acceptInvitationSchema,
  declineInvitationSchema,
  lookupInvitationQuerySchema,
} from '../../domain/invitation-input';
import { MemberSchema } from '../../db/entities';
import { checkMayAccept } from '../../domain/policies';
import { verifyInvitationToken } from '../../domain/tokens';
import { acceptUpdate, declineUpdate } from '../../workflows/invitation';
import type { ApiContext } from '../context';
import { getInvitation } from '../invitation-store';
import { runInvitationUpdate } from '../invitation-workflows';
import { Problem } from '../problem';
import { parseBody, parseQuery } from '../validate';
import { getWorkspace } from '../workspace-store';

/**
 * What the invitee's side of the host calls with the token from the link.
 * Every token that does not verify, or names an invitation the caller may
 * not see, gets the same answer.
 */
export function inviteeRouter(ctx: ApiContext): Router {
  const router = Router();

  async function invitationOf(req: Request, token: string) {
    const invalid = new Problem('invalid_token', 'this invitation link is not valid');
    const invitationId = verifyInvitationToken(ctx.secret, token);
    if (!invitationId) throw invalid;
    const invitation = await getInvitation(ctx.orm, invitationId).catch(() => {
      throw invalid;
    });
    if (req.caller?.scope === 'workspace' && req.caller.workspaceId !== invitation.workspaceId) throw invalid;
    return invitation;
  }

  // A GET never consumes the token: mail scanners and link previews follow links.
  router.get('/v1/invitations/lookup', async (req, res) => {
    const { token } = parseQuery(lookupInvitationQuerySchema, req);
    const invitation = await invitationOf(req, token);
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
    const invitation = await invitationOf(req, input.token);
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
    });
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
    const invitation = await invitationOf(req, input.token);
    res.json({ invitation: await runInvitationUpdate(ctx, invitation.id, declineUpdate, {}) });
  });

  return router;
}
