import { statsQuerySchema, workspaceStatsSchema } from '../domain/stats';
import { wsParam } from './params';
import { route } from './route';

export const statsRoutes = {
  getWorkspaceStats: route({
    method: 'get',
    path: '/v1/workspaces/:ws/stats',
    tag: 'Statistics',
    summary: 'The invitation funnel over a period',
    description:
      'Counts the invitations created in [`from`, `to`) (by default the 30 days before now): by status, the ' +
      'acceptance rate of those that reached their invitee, the median time from first send to acceptance, and the ' +
      'same funnel by channel and by inviter. Read from the projection, so it lags the workflows by a moment.',
    access: 'apiKey',
    params: wsParam,
    query: statsQuerySchema,
    beyondSchema: ['query.from', 'query.to'],
    answers: { 200: { description: 'The funnel', schema: workspaceStatsSchema } },
    errors: ['workspace_not_found'],
  }),
};
