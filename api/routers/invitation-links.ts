import { Router } from 'express';
import type { InvitationLookup } from '../../domain/invitation-view';
import { declineUpdate } from '../../workflows/invitation-messages';
import { runUpdate } from '../../usecases/invitation-runs';
import type { ApiContext } from '../context';
import { invalidToken, invitationLinks } from '../invitation-link';
import { routes } from '../../contract';
import { serve } from '../serve';
import { getWorkspace } from '../../store/workspaces';

/**
 * What the invitee's side of the host calls with the token from the link.
 * Every token that does not verify, names an invitation the caller may not
 * see, or whose link is dead gets the same answer.
 */
export function invitationLinksRouter(ctx: ApiContext): Router {
  const router = Router();
  const links = invitationLinks(ctx);

  async function liveInvitation(...args: Parameters<typeof links.read>) {
    const { invitation, dead } = await links.read(...args);
    if (dead) throw invalidToken();
    return invitation;
  }

  // A GET never consumes the token: mail scanners and link previews follow links.
  serve(router, routes.lookupInvitation, async ({ query: { token } }, req) => {
    const invitation = await liveInvitation(req, token);
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
    const invitation = await liveInvitation(req, input.token, input.userId);
    const { userId, email } = input;
    return { status: 200, body: await links.accept(invitation, { userId, email }) };
  });

  serve(router, routes.declineInvitation, async ({ body: input }, req) => {
    const invitation = await liveInvitation(req, input.token);
    const declined = await runUpdate(links.runs, invitation.id, declineUpdate, { by: input.userId }).catch(
      links.hidingDeadLink,
    );
    return { status: 200, body: { invitation: declined } };
  });

  return router;
}
