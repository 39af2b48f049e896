import { Router } from 'express';
import { routes } from '../../contract';
import type { ApiContext } from '../context';
import { serve } from '../serve';
import { getWorkspace, upsertWorkspace } from '../../store/workspaces';

export function workspacesRouter({ orm }: ApiContext): Router {
  const router = Router();

  serve(router, routes.putWorkspace, async ({ params, body }) => {
    const { workspace, created } = await upsertWorkspace(orm, params.ws, body);
    return { status: created ? 201 : 200, body: workspace };
  });

  serve(router, routes.getWorkspace, async ({ params }) => {
    return { status: 200, body: await getWorkspace(orm, params.ws) };
  });

  return router;
}
