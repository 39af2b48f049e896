import { randomBytes } from 'node:crypto';
import type { FilterQuery } from '@mikro-orm/core';
import { Router, type Request } from 'express';
import { claimIdleEndpoints } from '../../store/webhook-outbox';
import { refusedWebhookTarget } from '../../delivery/webhook-target-guard';
import { wakeWebhookDispatchers } from '../../activities/webhook-waker';
import { WorkspaceSchema } from '../../db/entities/workspace';
import {
  WebhookAttemptSchema,
  WebhookDeliverySchema,
  WebhookEndpointSchema,
  type WebhookDeliveryRow,
  type WebhookEndpointRow,
} from '../../db/entities';
import { newId } from '../../domain/ids';
import { SecretBox } from '../../domain/secret-box';
import { webhookEndpointView, type WebhookDelivery } from '../../domain/webhook-events';
import { authorizeWorkspace, requirePlatformKey } from '../auth';
import type { ApiContext } from '../context';
import { encodeCursor } from '../../domain/cursor';
import { cursorFromQuery } from '../cursor';
import { Problem } from '../problem';
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

  async function endpointOf(req: Request, id: string): Promise<WebhookEndpointRow> {
    const row = await ctx.orm.em.fork().findOne(WebhookEndpointSchema, id);
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

  function refuseIfDisabled(endpoint: WebhookEndpointRow): void {
    if (endpoint.disabledAt) {
      throw new Problem(
        'webhook_endpoint_disabled',
        `the webhook endpoint "${endpoint.id}" is disabled: re-enable it with PATCH {"disabled": false} first`,
      );
    }
  }

  /**
   * Queues failed or delivered messages again, due now with a fresh retry
   * window: same body, same `webhook-id`. Returns the ids queued; one still
   * pending is being delivered and is left alone.
   */
  async function redeliver(endpointId: string, where: string, params: unknown[]): Promise<string[]> {
    const { replayed, toWake } = await ctx.orm.em.fork().transactional(async (em) => {
      const rows = await em.execute<{ id: string }[]>(
        `update webhook_deliveries set status = 'pending', next_attempt_at = now(), round_started_at = null,
           round_attempts = 0
         where endpoint_id = ? and status <> 'pending' and ${where} returning id`,
        [endpointId, ...params],
      );
      return {
        replayed: rows.map((row) => row.id),
        toWake: rows.length > 0 ? await claimIdleEndpoints(em, [endpointId]) : [],
      };
    });
    await ctx.temporal.withDeadline(Date.now() + ctx.temporalTimeoutMs, () =>
      wakeWebhookDispatchers(ctx.temporal, ctx.taskQueue, toWake),
    );
    return replayed;
  }

  async function deliveryViews(deliveries: WebhookDeliveryRow[]): Promise<WebhookDelivery[]> {
    const attempts = await ctx.orm.em
      .fork()
      .find(
        WebhookAttemptSchema,
        { deliveryId: { $in: deliveries.map((delivery) => delivery.id) } },
        { orderBy: { attemptedAt: 'asc', id: 'asc' } },
      );
    return deliveries.map((delivery) => ({
      id: delivery.id,
      eventType: delivery.eventType,
      status: delivery.status,
      attemptCount: delivery.attemptCount,
      createdAt: delivery.createdAt.toISOString(),
      deliveredAt: delivery.deliveredAt?.toISOString() ?? null,
      attempts: attempts
        .filter((attempt) => attempt.deliveryId === delivery.id)
        .map(({ attemptedAt, statusCode, latencyMs, responseSnippet, error }) => ({
          attemptedAt: attemptedAt.toISOString(),
          statusCode,
          latencyMs,
          responseSnippet,
          error,
        })),
    }));
  }

  serve(router, routes.createWebhookEndpoint, async ({ body: input }, req) => {
    authorizeEndpoint(req, input.workspaceId);
    await checkTarget(input.url);
    const secret = newSigningSecret();
    const em = ctx.orm.em.fork();
    // A platform key may name any workspace: one that does not exist is refused here, not by the foreign key.
    if (input.workspaceId !== null && !(await em.findOne(WorkspaceSchema, input.workspaceId))) {
      throw new Problem('workspace_not_found', `no workspace "${input.workspaceId}"`, [
        { field: '/workspaceId', message: 'no such workspace' },
      ]);
    }
    const row = em.create(WebhookEndpointSchema, {
      id: newId('whe'),
      url: input.url,
      events: input.events,
      workspaceId: input.workspaceId,
      description: input.description ?? null,
      secretCiphertext: secrets.seal(secret),
      disabledAt: null,
    });
    await em.flush();
    await em.refresh(row);
    // The only time the secret is shown.
    return { status: 201, body: { ...webhookEndpointView(row), secret } };
  });

  serve(router, routes.listWebhookEndpoints, async (_input, req) => {
    const caller = req.caller;
    const where = caller?.scope === 'workspace' ? { workspaceId: caller.workspaceId } : {};
    const rows = await ctx.orm.em
      .fork()
      .find(WebhookEndpointSchema, where, { orderBy: { createdAt: 'asc', id: 'asc' } });
    return { status: 200, body: { data: rows.map(webhookEndpointView), nextCursor: null } };
  });

  serve(router, routes.getWebhookEndpoint, async ({ params }, req) => ({
    status: 200,
    body: webhookEndpointView(await endpointOf(req, params.id)),
  }));

  serve(router, routes.updateWebhookEndpoint, async ({ params, body: input }, req) => {
    const endpoint = await endpointOf(req, params.id);
    if (input.url !== undefined) await checkTarget(input.url);
    const em = ctx.orm.em.fork();
    const row = await em.findOneOrFail(WebhookEndpointSchema, endpoint.id);
    if (input.url !== undefined) row.url = input.url;
    if (input.events !== undefined) row.events = input.events;
    if (input.description !== undefined) row.description = input.description;
    if (input.disabled === false) Object.assign(row, { disabledAt: null, disabledReason: null });
    if (input.disabled === true && !row.disabledAt)
      Object.assign(row, { disabledAt: new Date(), disabledReason: 'manual' });
    await em.flush();
    return { status: 200, body: webhookEndpointView(row) };
  });

  serve(router, routes.deleteWebhookEndpoint, async ({ params }, req) => {
    const row = await endpointOf(req, params.id);
    await ctx.orm.em.fork().nativeDelete(WebhookEndpointSchema, { id: row.id });
    return { status: 204 };
  });

  serve(router, routes.rotateWebhookSecret, async ({ params, body: { graceSeconds } }, req) => {
    const endpoint = await endpointOf(req, params.id);
    const secret = newSigningSecret();
    const em = ctx.orm.em.fork();
    const row = await em.findOneOrFail(WebhookEndpointSchema, endpoint.id);
    // Consumers holding the old secret keep verifying until the grace period ends.
    Object.assign(row, {
      previousSecretCiphertext: graceSeconds > 0 ? row.secretCiphertext : null,
      previousSecretExpiresAt: graceSeconds > 0 ? new Date(Date.now() + graceSeconds * 1000) : null,
      secretCiphertext: secrets.seal(secret),
    });
    await em.flush();
    return { status: 200, body: { ...webhookEndpointView(row), secret } };
  });

  serve(router, routes.listWebhookDeliveries, async ({ params, query }, req) => {
    const cursor = cursorFromQuery(query.cursor);
    const endpoint = await endpointOf(req, params.id);
    const where: FilterQuery<WebhookDeliveryRow> = {
      endpointId: endpoint.id,
      ...(query.status && { status: query.status }),
      ...(cursor && {
        $or: [
          { createdAt: { $lt: new Date(cursor.createdAt) } },
          { createdAt: new Date(cursor.createdAt), id: { $lt: cursor.id } },
        ],
      }),
    };
    const page = await ctx.orm.em
      .fork()
      .find(WebhookDeliverySchema, where, { orderBy: { createdAt: 'desc', id: 'desc' }, limit: query.limit + 1 });
    const deliveries = page.slice(0, query.limit);
    const last = deliveries.at(-1);
    const nextCursor =
      page.length > query.limit && last ? encodeCursor({ createdAt: last.createdAt.toISOString(), id: last.id }) : null;
    return { status: 200, body: { data: await deliveryViews(deliveries), nextCursor } };
  });

  serve(router, routes.replayWebhookDelivery, async ({ params }, req) => {
    const endpoint = await endpointOf(req, params.id);
    const em = ctx.orm.em.fork();
    const delivery = await em.findOne(WebhookDeliverySchema, { id: params.deliveryId, endpointId: endpoint.id });
    if (!delivery) {
      throw new Problem('webhook_delivery_not_found', `no delivery "${params.deliveryId}" to this endpoint`);
    }
    refuseIfDisabled(endpoint);
    if ((await redeliver(endpoint.id, 'id = ?', [delivery.id])).length === 0) {
      throw new Problem('webhook_delivery_in_progress', `the delivery "${delivery.id}" is being delivered right now`);
    }
    await em.refresh(delivery);
    const [view] = await deliveryViews([delivery]);
    return { status: 202, body: view! };
  });

  serve(router, routes.replayWebhookDeliveries, async ({ params, body: { since } }, req) => {
    const endpoint = await endpointOf(req, params.id);
    refuseIfDisabled(endpoint);
    const replayed = (await redeliver(endpoint.id, `status = 'failed' and created_at >= ?`, [new Date(since)])).length;
    return { status: 202, body: { replayed } };
  });

  return router;
}
