import { Router } from 'express';
import QRCode from 'qrcode';
import { newId } from '../../domain/ids';
import { transition } from '../../domain/invitation';
import { closedInvitationState, invitationView } from '../../domain/invitation-view';
import { checkMayApprove } from '../../domain/invite-requests';
import { invitationToStart } from '../../domain/new-invitation';
import { checkMayInviteAs, grantableRoles } from '../../domain/policies';
import { invitationToken } from '../../domain/tokens';
import { acceptLink, type Workspace } from '../../domain/workspace';
import {
  approveUpdate,
  changeUpdate,
  eraseUpdate,
  rejectUpdate,
  resendUpdate,
  revokeUpdate,
  sendUpdate,
} from '../../workflows/invitation-messages';
import { writeTransition } from '../../store/projection';
import { wakeWebhookDispatchers } from '../../activities/webhook-waker';
import type { ApiContext } from '../context';
import { getInvitation, listInvitations } from '../../store/invitations';
import { invitationRuns } from '../invitation-runs';
import { openingRun, runUpdate } from '../../usecases/invitation-runs';
import { startInvitation } from '../../usecases/start-invitation';
import { placeClaims } from '../../store/claims';
import { InvitationPrinter } from '../print-invitation';
import { Problem } from '../problem';
import { routes } from '../../contract';
import { serve } from '../serve';
import { getWorkspace } from '../../store/workspaces';
import { cursorFromQuery } from '../cursor';

export function invitationsRouter(ctx: ApiContext): Router {
  const router = Router();
  const printer = new InvitationPrinter();
  const runs = invitationRuns(ctx);
  const places = placeClaims(ctx.orm, ctx.temporalTimeoutMs, ctx.secret);
  const openRun = openingRun(runs, ctx.taskQueue);
  const at = (workspaceId: string, id: string) => ({ location: `/v1/workspaces/${workspaceId}/invitations/${id}` });

  serve(router, routes.createInvitation, async ({ params, body }) => {
    const workspace = await getWorkspace(ctx.orm, params.ws);
    const opened = invitationToStart(workspace, body, newId('inv'), new Date());
    const { invitation } = opened;
    if (invitation.channels.includes('sms') && !ctx.twilio) {
      const message = 'SMS is not configured on this server (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_FROM)';
      throw new Problem('channel_unavailable', message, [{ field: '/channels', message }]);
    }
    const outcome = await startInvitation(places, openRun, opened, { ...workspace.settings, force: body.force });
    // One open invitation per person: inviting them again answers the one they have.
    if ('heldBy' in outcome) return { status: 200, body: outcome.heldBy, headers: at(workspace.id, outcome.heldBy.id) };
    return { status: 201, body: outcome.started, headers: at(workspace.id, outcome.started.id) };
  });

  serve(router, routes.listInvitations, async ({ params, query }) => {
    const workspace = await getWorkspace(ctx.orm, params.ws);
    const cursor = cursorFromQuery(query.cursor);
    return { status: 200, body: await listInvitations(ctx.orm, { ...query, workspaceId: workspace.id, cursor }) };
  });

  serve(router, routes.getInvitation, async ({ params }) => {
    const workspace = await getWorkspace(ctx.orm, params.ws);
    return { status: 200, body: await getInvitation(ctx.orm, params.id, workspace.id) };
  });

  // Until acceptance; the roles must be the workspace's own.
  serve(router, routes.changeInvitation, async ({ params, body }) => {
    const workspace = await getWorkspace(ctx.orm, params.ws);
    const { changer, ...input } = body;
    if (input.roles && changer) checkMayInviteAs('changer', workspace.settings, changer, input.roles);
    await getInvitation(ctx.orm, params.id, workspace.id);
    const by = input.by ?? changer?.userId;
    return { status: 200, body: await runUpdate(runs, params.id, changeUpdate, { ...input, by }) };
  });

  /** The link that was (or will be) emailed: the same for every send of the invitation. */
  const linkTo = (workspace: Workspace, invitationId: string) =>
    acceptLink(workspace.settings, ctx.publicBaseUrl, invitationToken(ctx.secret, invitationId));

  async function linkOf({ ws, id }: { ws: string; id: string }): Promise<string> {
    const workspace = await getWorkspace(ctx.orm, ws);
    const invitation = await getInvitation(ctx.orm, id, workspace.id);
    return linkTo(workspace, invitation.id);
  }

  serve(router, routes.getInvitationLink, async ({ params }) => ({
    status: 200,
    body: { url: await linkOf(params) },
  }));

  // QR codes of the same link, for an invitee standing at the admin's screen. Private: the link is the invitation.
  const unstored = { 'cache-control': 'private, no-store' };
  serve(router, routes.getInvitationQrSvg, async ({ params }) => ({
    status: 200,
    body: await QRCode.toString(await linkOf(params), { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }),
    headers: unstored,
  }));

  serve(router, routes.getInvitationQrPng, async ({ params }) => ({
    status: 200,
    body: await QRCode.toBuffer(await linkOf(params), {
      type: 'png',
      errorCorrectionLevel: 'M',
      margin: 2,
      width: 512,
    }),
    headers: unstored,
  }));

  // A paper invitation for people reached neither by email nor by phone.
  serve(router, routes.printInvitation, async ({ params, query }) => {
    const workspace = await getWorkspace(ctx.orm, params.ws);
    const invitation = await getInvitation(ctx.orm, params.id, workspace.id);
    const pdf = await printer.render(
      {
        workspaceName: workspace.name,
        inviterName: invitation.inviter.name ?? null,
        inviteeName: invitation.invitee.name,
        // Workspaces stored before the setting existed lack it.
        app: workspace.settings.app ?? null,
        link: linkTo(workspace, invitation.id),
        expiresAt: invitation.expiresAt,
      },
      [invitation.locale, workspace.settings.locale],
      query.size,
    );
    return {
      status: 200,
      body: pdf,
      headers: { 'content-disposition': `inline; filename="invitation-${invitation.id}.pdf"`, ...unstored },
    };
  });

  // The invitee's right to erasure: a running invitation forgets in its workflow, a closed one in the projection.
  serve(router, routes.eraseInvitee, async ({ params, query: { by } }) => {
    const workspace = await getWorkspace(ctx.orm, params.ws);
    await getInvitation(ctx.orm, params.id, workspace.id);
    const erased = await runUpdate(runs, params.id, eraseUpdate, { by }, async (closed) => {
      const state = closedInvitationState(closed);
      const next = transition(state, { type: 'erase', by }, new Date());
      if (next === state) return closed;
      await wakeWebhookDispatchers(ctx.temporal, ctx.taskQueue, await writeTransition(ctx.orm, next));
      return invitationView(next);
    });
    return { status: 200, body: erased };
  });

  for (const [route, update] of [
    [routes.sendInvitation, sendUpdate],
    [routes.resendInvitation, resendUpdate],
    [routes.revokeInvitation, revokeUpdate],
  ] as const) {
    serve(router, route, async ({ params, body }) => {
      const workspace = await getWorkspace(ctx.orm, params.ws);
      await getInvitation(ctx.orm, params.id, workspace.id);
      return { status: 200, body: await runUpdate(runs, params.id, update, body) };
    });
  }

  serve(router, routes.approveInvitation, async ({ params, body: { approver } }) => {
    const workspace = await getWorkspace(ctx.orm, params.ws);
    const invitation = await getInvitation(ctx.orm, params.id, workspace.id);
    checkMayApprove(workspace.settings, approver, invitation.roles);
    // The run checks the roles again as they are when it approves: a change may have come in between.
    const grantable = grantableRoles(workspace.settings, approver);
    return {
      status: 200,
      body: await runUpdate(runs, params.id, approveUpdate, { by: approver.userId, grantable }),
    };
  });

  serve(router, routes.rejectInvitation, async ({ params, body: { approver } }) => {
    const workspace = await getWorkspace(ctx.orm, params.ws);
    const invitation = await getInvitation(ctx.orm, params.id, workspace.id);
    checkMayApprove(workspace.settings, approver, invitation.roles);
    return { status: 200, body: await runUpdate(runs, params.id, rejectUpdate, { by: approver.userId }) };
  });

  return router;
}
