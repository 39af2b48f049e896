import { Router, type Request } from 'express';
import QRCode from 'qrcode';
import { newId } from '../../domain/ids';
import { transition } from '../../domain/invitation';
import { closedInvitationState, invitationView } from '../../domain/invitation-view';
import {
  changeInvitationSchema,
  createInvitationSchema,
  invitationActionSchema,
  invitationDecisionSchema,
  listInvitationsQuerySchema,
} from '../../domain/invitation-input';
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
import { writeTransition } from '../../activities/projection';
import { wakeWebhookDispatchers } from '../../activities/webhook-waker';
import type { ApiContext } from '../context';
import { getInvitation, listInvitations } from '../invitation-store';
import { runInvitationUpdate, startInvitation } from '../invitation-workflows';
import { releaseClaims } from '../../activities/claims';
import { claimOrFindOpen } from '../open-invitations';
import { InvitationPrinter, printInvitationQuerySchema } from '../print-invitation';
import { Problem } from '../problem';
import { parseBody, parseQuery, withCheckedPathParams } from '../validate';
import { authorizedWorkspace } from '../workspace-store';
import { cursorFromQuery } from '../cursor';

export function invitationsRouter(ctx: ApiContext): Router {
  const router = withCheckedPathParams(Router());
  const base = '/v1/workspaces/:ws/invitations';
  const printer = new InvitationPrinter();

  router.post(base, async (req, res) => {
    const workspace = await authorizedWorkspace(ctx.orm, req);
    const input = parseBody(createInvitationSchema, req);
    const opened = invitationToStart(workspace, input, newId('inv'), new Date());
    const { invitation } = opened;
    if (invitation.channels.includes('sms') && !ctx.twilio) {
      const message = 'SMS is not configured on this server (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_FROM)';
      throw new Problem('channel_unavailable', message, [{ field: '/channels', message }]);
    }
    const open = await claimOrFindOpen(
      ctx.orm,
      workspace.id,
      invitation.invitee,
      invitation.id,
      workspace.settings.seatLimit,
      ctx.temporalTimeoutMs,
    );
    if (open) {
      // One open invitation per person: inviting them again answers the one they have.
      res.status(200).location(`/v1/workspaces/${workspace.id}/invitations/${open.id}`).json(open);
      return;
    }
    const view = await startInvitation(ctx, opened, () => releaseClaims(ctx.orm, invitation.id));
    res.status(201).location(`/v1/workspaces/${workspace.id}/invitations/${view.id}`).json(view);
  });

  router.get(base, async (req, res) => {
    const workspace = await authorizedWorkspace(ctx.orm, req);
    const query = parseQuery(listInvitationsQuerySchema, req);
    const cursor = cursorFromQuery(query.cursor);
    res.json(await listInvitations(ctx.orm, { ...query, workspaceId: workspace.id, cursor }));
  });

  router.get(`${base}/:id`, async (req, res) => {
    const workspace = await authorizedWorkspace(ctx.orm, req);
    res.json(await getInvitation(ctx.orm, req.params.id, workspace.id));
  });

  // Until acceptance; the roles must be the workspace's own.
  router.patch(`${base}/:id`, async (req, res) => {
    const workspace = await authorizedWorkspace(ctx.orm, req);
    const { changer, ...input } = parseBody(changeInvitationSchema, req);
    if (input.roles && changer) checkMayInviteAs('changer', workspace.settings, changer, input.roles);
    await getInvitation(ctx.orm, req.params.id, workspace.id);
    res.json(
      await runInvitationUpdate(ctx, req.params.id, changeUpdate, { ...input, by: input.by ?? changer?.userId }),
    );
  });

  /** The link that was (or will be) emailed: the same for every send of the invitation. */
  const linkTo = (workspace: Workspace, invitationId: string) =>
    acceptLink(workspace.settings, ctx.publicBaseUrl, invitationToken(ctx.secret, invitationId));

  async function linkOf(req: Request<{ ws: string; id: string }>): Promise<string> {
    const workspace = await authorizedWorkspace(ctx.orm, req);
    const invitation = await getInvitation(ctx.orm, req.params.id, workspace.id);
    return linkTo(workspace, invitation.id);
  }

  router.get(`${base}/:id/link`, async (req, res) => {
    res.json({ url: await linkOf(req) });
  });

  // QR codes of the same link, for an invitee standing at the admin's screen. Private: the link is the invitation.
  router.get(`${base}/:id/qr.svg`, async (req, res) => {
    const svg = await QRCode.toString(await linkOf(req), { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
    res.type('image/svg+xml').set('cache-control', 'private, no-store').send(svg);
  });

  router.get(`${base}/:id/qr.png`, async (req, res) => {
    const png = await QRCode.toBuffer(await linkOf(req), {
      type: 'png',
      errorCorrectionLevel: 'M',
      margin: 2,
      width: 512,
    });
    res.type('image/png').set('cache-control', 'private, no-store').send(png);
  });

  // A paper invitation for people reached neither by email nor by phone.
  router.get(`${base}/:id/print.pdf`, async (req, res) => {
    const workspace = await authorizedWorkspace(ctx.orm, req);
    const { size } = parseQuery(printInvitationQuerySchema, req);
    const invitation = await getInvitation(ctx.orm, req.params.id, workspace.id);
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
      size,
    );
    res
      .type('application/pdf')
      .set({
        'content-disposition': `inline; filename="invitation-${invitation.id}.pdf"`,
        'cache-control': 'private, no-store',
      })
      .send(pdf);
  });

  // The invitee's right to erasure: a running invitation forgets in its workflow, a closed one in the projection.
  router.delete(`${base}/:id/personal-data`, async (req, res) => {
    const workspace = await authorizedWorkspace(ctx.orm, req);
    const { by } = parseQuery(invitationActionSchema, req);
    await getInvitation(ctx.orm, req.params.id, workspace.id);
    res.json(
      await runInvitationUpdate(ctx, req.params.id, eraseUpdate, { by }, async (closed) => {
        const state = closedInvitationState(closed);
        const erased = transition(state, { type: 'erase', by }, new Date());
        if (erased === state) return closed;
        await wakeWebhookDispatchers(ctx.temporal, ctx.taskQueue, await writeTransition(ctx.orm, erased));
        return invitationView(erased);
      }),
    );
  });

  for (const [action, update] of [
    ['send', sendUpdate],
    ['resend', resendUpdate],
    ['revoke', revokeUpdate],
  ] as const) {
    router.post(`${base}/:id/${action}`, async (req, res) => {
      const workspace = await authorizedWorkspace(ctx.orm, req);
      const input = parseBody(invitationActionSchema, req);
      await getInvitation(ctx.orm, req.params.id, workspace.id);
      res.json(await runInvitationUpdate(ctx, req.params.id, update, input));
    });
  }

  for (const action of ['approve', 'reject'] as const) {
    router.post(`${base}/:id/${action}`, async (req, res) => {
      const workspace = await authorizedWorkspace(ctx.orm, req);
      const { approver } = parseBody(invitationDecisionSchema, req);
      const invitation = await getInvitation(ctx.orm, req.params.id, workspace.id);
      checkMayApprove(workspace.settings, approver, invitation.roles);
      const by = approver.userId;
      res.json(
        action === 'approve'
          ? // The run checks the roles again as they are when it approves: a change may have come in between.
            await runInvitationUpdate(ctx, req.params.id, approveUpdate, {
              by,
              grantable: grantableRoles(workspace.settings, approver),
            })
          : await runInvitationUpdate(ctx, req.params.id, rejectUpdate, { by }),
      );
    });
  }

  return router;
}
