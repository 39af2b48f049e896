import { Router } from 'express';
import { statsPeriod, statsQuerySchema } from '../../domain/stats';
import type { ApiContext } from '../context';
import { workspaceStats } from '../stats-store';
import { parseQuery, withCheckedPathParams } from '../validate';
import { authorizedWorkspace } from '../workspace-store';

/** The invitation funnel of a workspace over a period, read from the projection. */
export function statsRouter(ctx: ApiContext): Router {
  const router = withCheckedPathParams(Router());

  router.get('/v1/workspaces/:ws/stats', async (req, res) => {
    const workspace = await authorizedWorkspace(ctx.orm, req);
    const period = statsPeriod(parseQuery(statsQuerySchema, req), new Date());
    res.json(await workspaceStats(ctx.orm, workspace.id, period));
  });

  return router;
}
