import { bulkRoutes } from './bulk';
import { healthRoutes } from './health';
import { invitationCodeRoutes } from './invitation-code';
import { inviteLinkRoutes } from './invite-links';
import { invitationRoutes } from './invitations';
import { inviteeRoutes } from './invitee';
import { memberRoutes } from './members';
import { operatorRoutes } from './operators';
import { providerRoutes } from './providers';
import type { RouteDefinition } from './route';
import { statsRoutes } from './stats';
import { templateRoutes } from './templates';
import { webhookEndpointRoutes } from './webhook-endpoints';
import { workspaceRoutes } from './workspaces';

/** Every route the API serves, by its operation id, in the order the reference lists them. */
export const routes = {
  ...workspaceRoutes,
  ...invitationRoutes,
  ...bulkRoutes,
  ...inviteeRoutes,
  ...memberRoutes,
  ...statsRoutes,
  ...invitationCodeRoutes,
  ...inviteLinkRoutes,
  ...templateRoutes,
  ...webhookEndpointRoutes,
  ...providerRoutes,
  ...operatorRoutes,
  ...healthRoutes,
};

export type Routes = typeof routes;

export const routeEntries = Object.entries(routes) as [keyof Routes, RouteDefinition][];
