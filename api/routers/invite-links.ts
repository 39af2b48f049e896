import { Router } from 'express';
import QRCode from 'qrcode';
import { wakeWebhookDispatchers } from '../../activities/webhook-waker';
import { routes } from '../../contract';
import { parseDuration } from '../../domain/duration';
import { RuleViolation } from '../../domain/error-codes';
import { newId } from '../../domain/ids';
import { inviteLinkView, linkExpiry, type InviteLink } from '../../domain/invite-link';
import { attemptKey } from '../../domain/rate-limit';
import { SecretBox } from '../../domain/secret-box';
import { withToken, type Workspace } from '../../domain/workspace';
import { inviteLinks } from '../../store/invite-links';
import { getWorkspace } from '../../store/workspaces';
import type { ApiContext } from '../context';
import { cursorFromQuery } from '../cursor';
import { attemptClient, joinAttemptGuard } from '../join-attempts';
import { Problem } from '../problem';
import { serve } from '../serve';
import { visitorAddress } from '../visitor';

/** Roles a link grants must be the workspace's. */
function checkRoles(workspace: Workspace, roles: string[] | undefined): void {
  const unknown = roles?.find((role) => !workspace.settings.roles.includes(role));
  if (unknown !== undefined) {
    throw new RuleViolation('unknown_role', `"${unknown}" is not one of the workspace roles`, '/roles');
  }
}

const expiryOf = (workspace: Workspace, requested: Date | undefined) =>
  // Settings are validated when stored: the duration parses.
  linkExpiry(requested, parseDuration(workspace.settings.linkTtlMax) ?? 0, new Date());

/** A workspace's shareable invite links, and joining with one. */
export function inviteLinksRouter(ctx: ApiContext): Router {
  const router = Router();
  const links = inviteLinks(ctx.orm, ctx.secret, new SecretBox(ctx.secret));
  const guarded = joinAttemptGuard(ctx.orm, ctx.secret, ctx.joinAttempts);

  const urlOf = (workspace: Workspace, link: InviteLink) =>
    workspace.settings.linkUrl ? withToken(workspace.settings.linkUrl, link.token) : null;
  const viewOf = (workspace: Workspace, link: InviteLink) => inviteLinkView(link, urlOf(workspace, link));

  serve(router, routes.createInviteLink, async ({ params, body }) => {
    const workspace = await getWorkspace(ctx.orm, params.ws);
    checkRoles(workspace, body.roles);
    const link = await links.create({
      id: newId('lnk'),
      workspaceId: workspace.id,
      roles: body.roles ?? [workspace.settings.defaultRole],
      groups: body.groups,
      maxUses: body.maxUses,
      expiresAt: expiryOf(workspace, body.expiresAt),
      allowedEmailDomains: body.allowedEmailDomains,
    });
    return { status: 201, body: viewOf(workspace, link) };
  });

  serve(router, routes.listInviteLinks, async ({ params }) => {
    const workspace = await getWorkspace(ctx.orm, params.ws);
    const all = await links.list(workspace.id);
    return { status: 200, body: { data: all.map((link) => viewOf(workspace, link)), nextCursor: null } };
  });

  serve(router, routes.getInviteLink, async ({ params }) => {
    const workspace = await getWorkspace(ctx.orm, params.ws);
    return { status: 200, body: viewOf(workspace, await links.get(workspace.id, params.id)) };
  });

  serve(router, routes.updateInviteLink, async ({ params, body }) => {
    const workspace = await getWorkspace(ctx.orm, params.ws);
    checkRoles(workspace, body.roles);
    const { expiresAt, ...rest } = body;
    const patch = { ...rest, ...(expiresAt !== undefined && { expiresAt: expiryOf(workspace, expiresAt) }) };
    return { status: 200, body: viewOf(workspace, await links.update(workspace.id, params.id, patch)) };
  });

  serve(router, routes.deleteInviteLink, async ({ params }) => {
    const workspace = await getWorkspace(ctx.orm, params.ws);
    await links.delete(workspace.id, params.id);
    return { status: 204 };
  });

  serve(router, routes.rotateInviteLink, async ({ params }) => {
    const workspace = await getWorkspace(ctx.orm, params.ws);
    return { status: 200, body: viewOf(workspace, await links.rotate(workspace.id, params.id)) };
  });

  serve(router, routes.listInviteLinkRedemptions, async ({ params, query }) => {
    const cursor = cursorFromQuery(query.cursor);
    const workspace = await getWorkspace(ctx.orm, params.ws);
    const link = await links.get(workspace.id, params.id);
    return { status: 200, body: await links.redemptions(link.id, { cursor, limit: query.limit }) };
  });

  serve(router, routes.getInviteLinkQrSvg, async ({ params }) => {
    const workspace = await getWorkspace(ctx.orm, params.ws);
    const url = urlOf(workspace, await links.get(workspace.id, params.id));
    if (!url) throw new Problem('link_url_not_set', 'the workspace has no linkUrl: the link has no URL to encode');
    return {
      status: 200,
      body: await QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }),
      // The token joins whoever has it.
      headers: { 'cache-control': 'private, no-store' },
    };
  });

  serve(router, routes.redeemInviteLink, async ({ body }, req) => {
    const { member, toWake } = await guarded(
      attemptClient(req, { userId: body.userId }),
      () =>
        links.redeem({
          ...body,
          visitorHash: attemptKey(ctx.secret, 'visitor', visitorAddress(req)),
          callerWorkspaceId: req.caller?.workspaceId ?? null,
        }),
      (error) => error instanceof RuleViolation && error.code === 'invalid_link',
    );
    await wakeWebhookDispatchers(ctx.temporal, ctx.taskQueue, toWake);
    return { status: 201, body: { member } };
  });

  return router;
}
