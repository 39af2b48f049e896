import { Router, type Request } from 'express';
import { startWebhookDeliveries } from '../../activities/webhook-starter';
import { listMembersQuerySchema, updateMemberSchema } from '../../domain/member-input';
import { checkKnownRoles } from '../../domain/policies';
import { authorizeWorkspace } from '../auth';
import type { ApiContext } from '../context';
import { decodeCursor } from '../invitation-store';
import { getMember, listMembers, removeMember, updateMember } from '../member-store';
import { Problem } from '../problem';
import { parseBody, parseQuery } from '../validate';
import { getWorkspace } from '../workspace-store';

/**
 * The people who joined a workspace. Every change is announced by a webhook
 * queued in its own transaction, so a host revoking sessions on
 * `member.updated` or `member.removed` never misses one.
 */
export function membersRouter(ctx: ApiContext): Router {
  const router = Router();
  const base = '/v1/workspaces/:ws/members';

  /** The workspace the path names, after checking the caller may act in it. */
  async function workspaceOf(req: Request<{ ws: string }>) {
    authorizeWorkspace(req, req.params.ws);
    return getWorkspace(ctx.orm, req.params.ws);
  }

  router.get(base, async (req, res) => {
    const workspace = await workspaceOf(req);
    const query = parseQuery(listMembersQuerySchema, req);
    const cursor = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    if (query.cursor !== undefined && !cursor) {
      throw new Problem('validation_failed', 'invalid query: cursor is not one this API issued', [
        { field: 'query.cursor', message: 'is not a cursor this API issued' },
      ]);
    }
    res.json(await listMembers(ctx.orm, { ...query, workspaceId: workspace.id, cursor }));
  });

  router.get(`${base}/:userId`, async (req, res) => {
    const workspace = await workspaceOf(req);
    res.json(await getMember(ctx.orm, workspace.id, req.params.userId));
  });

  router.patch(`${base}/:userId`, async (req, res) => {
    const workspace = await workspaceOf(req);
    const patch = parseBody(updateMemberSchema, req);
    if (patch.roles) checkKnownRoles(workspace.settings, patch.roles);
    const { member, deliveryIds } = await updateMember(ctx.orm, workspace.id, req.params.userId, patch);
    await startWebhookDeliveries(ctx.temporal, ctx.taskQueue, deliveryIds);
    res.json(member);
  });

  router.delete(`${base}/:userId`, async (req, res) => {
    const workspace = await workspaceOf(req);
    const { deliveryIds } = await removeMember(ctx.orm, workspace.id, req.params.userId);
    await startWebhookDeliveries(ctx.temporal, ctx.taskQueue, deliveryIds);
    res.status(204).end();
  });

  return router;
}
