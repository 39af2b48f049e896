import { Router } from 'express';
import { wakeWebhookDispatchers } from '../../activities/webhook-waker';
import { listMembersQuerySchema, updateMemberSchema } from '../../domain/member-input';
import { checkKnownRoles } from '../../domain/policies';
import type { ApiContext } from '../context';
import { getMember, listMembers, removeMember, updateMember } from '../member-store';
import { parseBody, parseQuery, withCheckedPathParams } from '../validate';
import { authorizedWorkspace } from '../workspace-store';
import { cursorFromQuery } from '../cursor';

/**
 * The people who joined a workspace. Every change is announced by a webhook
 * queued in its own transaction, so a host revoking sessions on
 * `member.updated` or `member.removed` never misses one.
 */
export function membersRouter(ctx: ApiContext): Router {
  const router = withCheckedPathParams(Router());
  const base = '/v1/workspaces/:ws/members';

  router.get(base, async (req, res) => {
    const workspace = await authorizedWorkspace(ctx.orm, req);
    const query = parseQuery(listMembersQuerySchema, req);
    const cursor = cursorFromQuery(query.cursor);
    res.json(await listMembers(ctx.orm, { ...query, workspaceId: workspace.id, cursor }));
  });

  router.get(`${base}/:userId`, async (req, res) => {
    const workspace = await authorizedWorkspace(ctx.orm, req);
    res.json(await getMember(ctx.orm, workspace.id, req.params.userId));
  });

  router.patch(`${base}/:userId`, async (req, res) => {
    const workspace = await authorizedWorkspace(ctx.orm, req);
    const patch = parseBody(updateMemberSchema, req);
    if (patch.roles) checkKnownRoles(workspace.settings, patch.roles);
    const { member, toWake } = await updateMember(
      ctx.orm,
      workspace.id,
      req.params.userId,
      patch,
      workspace.settings.seatLimit,
    );
    await wakeWebhookDispatchers(ctx.temporal, ctx.taskQueue, toWake);
    res.json(member);
  });

  router.delete(`${base}/:userId`, async (req, res) => {
    const workspace = await authorizedWorkspace(ctx.orm, req);
    const { toWake } = await removeMember(ctx.orm, workspace.id, req.params.userId);
    await wakeWebhookDispatchers(ctx.temporal, ctx.taskQueue, toWake);
    res.status(204).end();
  });

  return router;
}
