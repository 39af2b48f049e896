import { upsertWorkspaceSchema, workspaceViewSchema } from '../domain/workspace';
import { wsParam } from './params';
import { route } from './route';

export const workspaceRoutes = {
  putWorkspace: route({
    method: 'put',
    path: '/v1/workspaces/:ws',
    tag: 'Workspaces',
    summary: 'Create or replace a workspace',
    description: 'Needs a platform API key. Omitted settings take their defaults.',
    access: 'platformKey',
    params: wsParam,
    body: upsertWorkspaceSchema,
    beyondSchema: ['/settings'],
    answers: {
      201: { description: 'Created', schema: workspaceViewSchema },
      200: { description: 'Replaced', schema: workspaceViewSchema },
    },
    errors: [],
  }),
  getWorkspace: route({
    method: 'get',
    path: '/v1/workspaces/:ws',
    tag: 'Workspaces',
    summary: 'Get a workspace',
    access: 'apiKey',
    params: wsParam,
    answers: { 200: { description: 'The workspace', schema: workspaceViewSchema } },
    errors: ['workspace_not_found'],
  }),
};
