import { Router } from 'express';
import { z } from 'zod';
import { upsertWorkspaceSchema, workspaceIdSchema } from '../../domain/workspace';
import { authorizeWorkspace, requirePlatformKey } from '../auth';
import type { ApiContext } from '../context';
import { parse, parseBody, withCheckedPathParams } from '../validate';
import { getWorkspace, upsertWorkspace } from '../workspace-store';

export function workspacesRouter({ orm }: ApiContext): Router {
  const router = withCheckedPathParams(Router());

  router.put('/v1/workspaces/:ws', async (req, res) => {
    const { ws: id } = parse(z.object({ ws: workspaceIdSchema }), req.params, 'path');
    requirePlatformKey(req);
    const { workspace, created } = await upsertWorkspace(orm, id, parseBody(upsertWorkspaceSchema, req));
    res.status(created ? 201 : 200).json(workspace);
  });

  router.get('/v1/workspaces/:ws', async (req, res) => {
    authorizeWorkspace(req, req.params.ws);
    res.json(await getWorkspace(orm, req.params.ws));
  });

  return router;
}
