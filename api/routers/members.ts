import { Router } from 'express';
import { wakeWebhookDispatchers } from '../../activities/webhook-waker';
import { checkKnownRoles } from '../../domain/policies';
import { routes } from '../../contract';
import type { ApiContext } from '../context';
import { cursorFromQuery } from '../cursor';
import { getMember, listMembers, removeMember, updateMember } from '../../store/members';
import { serve } from '../serve';
import { setMembershipEnd } from '../../usecases/membership-runs';
import { getWorkspace } from '../../store/workspaces';

/**
 * The people who joined a workspace. Every change is announced by a webhook
 * queued in its own transaction, so a host revoking sessions on
 * `member.updated` or `member.removed` never misses one.
 */
export function membersRouter(ctx: ApiContext): Router {
  const router = Router();

  serve(router, routes.listMembers, async ({ params, query }) => {
    const workspace = await getWorkspace(ctx.orm, params.ws);
    const cursor = cursorFromQuery(query.cursor);
    return { status: 200, body: await listMembers(ctx.orm, { ...query, workspaceId: workspace.id, cursor }) };
  });

  serve(router, routes.getMember, async ({ params }) => {
    const workspace = await getWorkspace(ctx.orm, params.ws);
    return { status: 200, body: await getMember(ctx.orm, workspace.id, params.userId) };
  });

  serve(router, routes.updateMember, async ({ params, body: patch }) => {
    const workspace = await getWorkspace(ctx.orm, params.ws);
    if (patch.roles) checkKnownRoles(workspace.settings, patch.roles);
    const { member, toWake } = await updateMember(
      ctx.orm,
      workspace.id,
      params.userId,
      patch,
      workspace.settings.seatLimit,
    );
    await wakeWebhookDispatchers(ctx.temporal, ctx.taskQueue, toWake);
    if (patch.expiresAt !== undefined) {
      const end = { workspaceId: workspace.id, userId: member.userId, expiresAt: member.expiresAt };
      await ctx.temporal.withDeadline(Date.now() + ctx.temporalTimeoutMs, () =>
        setMembershipEnd(ctx.temporal, ctx.taskQueue, workspace.settings, end),
      );
    }
    return { status: 200, body: member };
  });

  serve(router, routes.removeMember, async ({ params }) => {
    const workspace = await getWorkspace(ctx.orm, params.ws);
    const { toWake } = await removeMember(ctx.orm, workspace.id, params.userId);
    await wakeWebhookDispatchers(ctx.temporal, ctx.taskQueue, toWake);
    return { status: 204 };
  });

  return router;
}
