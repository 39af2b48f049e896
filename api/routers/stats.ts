import { Router } from 'express';
import { statsPeriod } from '../../domain/stats';
import { routes } from '../../contract';
import type { ApiContext } from '../context';
import { serve } from '../serve';
import { workspaceStats } from '../../store/stats';
import { getWorkspace } from '../../store/workspaces';

/** The invitation funnel of a workspace over a period, read from the projection. */
export function statsRouter(ctx: ApiContext): Router {
  const router = Router();

  serve(router, routes.getWorkspaceStats, async ({ params, query }) => {
    const workspace = await getWorkspace(ctx.orm, params.ws);
    const period = statsPeriod(query, new Date());
    return { status: 200, body: await workspaceStats(ctx.orm, workspace.id, period) };
  });

  return router;
}
