import { randomBytes } from 'node:crypto';
import { Router, type Request } from 'express';
import { claimIdleEndpoints } from '../../store/webhook-outbox';
import {
  deleteEndpoint,
  findEndpoint,
  insertEndpoint,
  listEndpoints,
  rotateEndpointSecret,
  updateEndpoint,
  type WebhookEndpoint,
} from '../../store/webhook-endpoints';
import { findDelivery, listDeliveries, requeueDeliveries } from '../../store/webhook-deliveries';
import { workspaceExists } from '../../store/workspaces';
import { refusedWebhookTarget } from '../../delivery/webhook-target-guard';
import { wakeWebhookDispatchers } from '../../activities/webhook-waker';
import { newId } from '../../domain/ids';
import { SecretBox } from '../../domain/secret-box';
import { webhookEndpointView } from '../../domain/webhook-events';
import { authorizeWorkspace, requirePlatformKey } from '../auth';
import type { ApiContext } from '../context';
import { cursorFromQuery } from '../cursor';
import { Problem } from '../problem';
import type { Clause } from '../../store/clauses';
import { routes } from '../../contract';
import { serve } from '../serve';

/** Standard Webhooks secrets: `whsec_` and base64 of 32 random bytes. */
function newSigningSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

export function webhookEndpointsRouter(
  ctx: ApiContext & {
    /** WEBHOOK_ALLOWED_NETWORKS: private networks an endpoint may point at (none when absent). */
    webhookAllowedNetworks?: readonly string[];
  },
): Router {
  const router = Router();
  const secrets = new SecretBox(ctx.secret);

  /** Platform-wide endpoints need a platform key; a workspace key manages its own. */
  function authorizeEndpoint(req: Request, workspaceId: string | null): void {
    if (workspaceId === null) requirePlatformKey(req);
    else authorizeWorkspace(req, workspaceId);
  }

  async function endpointOf(req: Request, id: string): Promise<WebhookEndpoint> {
    const row = await findEndpoint(ctx.orm.em.fork(), id);
    // A workspace key sees its own endpoints only; any other, platform-wide ones included, is as good as missing.
    const reachable = row && (req.caller?.scope === 'platform' || req.caller?.workspaceId === row.workspaceId);
    if (!reachable) throw new Problem('webhook_endpoint_not_found', `no webhook endpoint "${id}"`);
    return row;
  }

  /** A URL that is, or resolves to, a private address is refused up front; deliveries check again. */
  async function checkTarget(url: string): Promise<void> {
    const refused = await refusedWebhookTarget(url, ctx.webhookAllowedNetworks ?? []);
    if (refused) {
      throw new Problem('webhook_target_not_allowed', `webhooks cannot be sent there: ${refused}`, [
        { field: '/url', message: refused },
      ]);
    }
  }

  function refuseIfDisabled(endpoint: WebhookEndpoint): void {
    if (endpoint.disabledAt) {
      throw new Problem(
        'webhook_endpoint_disabled',
        `the webhook endpoint "${endpoint.id}" is disabled: re-enable it with PATCH {"disabled": false} first`,
      );
    }
  }

  /** Queues the endpoint's messages `which` picks again (see `requeueDeliveries`) and wakes its dispatcher. */
  async function redeliver(endpointId: string, which: Clause): Promise<string[]> {
    const { replayed, toWake } = await ctx.orm.em.fork().transactional(async (em) => {
      const ids = await requeueDeliveries(em, endpointId, which);
      return { replayed: ids, toWake: ids.length > 0 ? await claimIdleEndpoints(em, [endpointId]) : [] };
    });
    await ctx.temporal.withDeadline(Date.now() + ctx.temporalTimeoutMs, () =>
      wakeWebhookDispatchers(ctx.temporal, ctx.taskQueue, toWake),
    );
    return replayed;
  }

  serve(router, routes.createWebhookEndpoint, async ({ body: input }, req) => {
    authorizeEndpoint(req, input.workspaceId);
    await checkTarget(input.url);
    const secret = newSigningSecret();
    // A platform key may name any workspace: one that does not exist is refused here, not by the foreign key.
    if (input.workspaceId !== null && !(await workspaceExists(ctx.orm, input.workspaceId))) {
      throw new Problem('workspace_not_found', `no workspace "${input.workspaceId}"`, [
        { field: '/workspaceId', message: 'no such workspace' },
      ]);
    }
    const row = await insertEndpoint(ctx.orm.em.fork(), {
      id: newId('whe'),
      url: input.url,
      events: input.events,
      workspaceId: input.workspaceId,
      description: input.description ?? null,
      secretCiphertext: secrets.seal(secret),
    });
    // The only time the secret is shown.
    return { status: 201, body: { ...webhookEndpointView(row), secret } };
  });

  serve(router, routes.listWebhookEndpoints, async (_input, req) => {
    const caller = req.caller;
    const rows = await listEndpoints(ctx.orm.em.fork(), caller?.scope === 'workspace' ? caller : undefined);
    return { status: 200, body: { data: rows.map(webhookEndpointView), nextCursor: null } };
  });

  serve(router, routes.getWebhookEndpoint, async ({ params }, req) => ({
    status: 200,
    body: webhookEndpointView(await endpointOf(req, params.id)),
  }));

  /** The endpoint after `change`, which answers `null` when it was deleted meanwhile. */
  function changed(endpoint: WebhookEndpoint | null, id: string): WebhookEndpoint {
    if (!endpoint) throw new Problem('webhook_endpoint_not_found', `no webhook endpoint "${id}"`);
    return endpoint;
  }

  serve(router, routes.updateWebhookEndpoint, async ({ params, body: input }, req) => {
    const endpoint = await endpointOf(req, params.id);
    if (input.url !== undefined) await checkTarget(input.url);
    const row = changed(await updateEndpoint(ctx.orm.em.fork(), endpoint.id, input), endpoint.id);
    return { status: 200, body: webhookEndpointView(row) };
  });

  serve(router, routes.deleteWebhookEndpoint, async ({ params }, req) => {
    const row = await endpointOf(req, params.id);
    await deleteEndpoint(ctx.orm.em.fork(), row.id);
    return { status: 204 };
  });

  serve(router, routes.rotateWebhookSecret, async ({ params, body: { graceSeconds } }, req) => {
    const endpoint = await endpointOf(req, params.id);
    const secret = newSigningSecret();
    // Consumers holding the old secret keep verifying until the grace period ends.
    const previousUntil = graceSeconds > 0 ? new Date(Date.now() + graceSeconds * 1000) : null;
    const row = changed(
      await rotateEndpointSecret(ctx.orm.em.fork(), endpoint.id, secrets.seal(secret), previousUntil),
      endpoint.id,
    );
    return { status: 200, body: { ...webhookEndpointView(row), secret } };
  });

  serve(router, routes.listWebhookDeliveries, async ({ params, query }, req) => {
    const cursor = cursorFromQuery(query.cursor);
    const endpoint = await endpointOf(req, params.id);
    const page = await listDeliveries(ctx.orm.em.fork(), endpoint.id, { ...query, cursor });
    return { status: 200, body: page };
  });

  serve(router, routes.replayWebhookDelivery, async ({ params }, req) => {
    const endpoint = await endpointOf(req, params.id);
    const noDelivery = () =>
      new Problem('webhook_delivery_not_found', `no delivery "${params.deliveryId}" to this endpoint`);
    if (!(await findDelivery(ctx.orm.em.fork(), endpoint.id, params.deliveryId))) throw noDelivery();
    refuseIfDisabled(endpoint);
    if ((await redeliver(endpoint.id, ['id = ?', params.deliveryId])).length === 0) {
      throw new Problem(
        'webhook_delivery_in_progress',
        `the delivery "${params.deliveryId}" is being delivered right now`,
      );
    }
    const delivery = await findDelivery(ctx.orm.em.fork(), endpoint.id, params.deliveryId);
    if (!delivery) throw noDelivery();
    return { status: 202, body: delivery };
  });

  serve(router, routes.replayWebhookDeliveries, async ({ params, body: { since } }, req) => {
    const endpoint = await endpointOf(req, params.id);
    refuseIfDisabled(endpoint);
    const replayed = (await redeliver(endpoint.id, [`status = 'failed' and created_at >= ?`, new Date(since)])).length;
    return { status: 202, body: { replayed } };
  });

  return router;
}
