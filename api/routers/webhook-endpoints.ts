import { randomBytes } from 'node:crypto';
import type { FilterQuery } from '@mikro-orm/core';
import { Router, type Request } from 'express';
import { claimIdleEndpoints } from '../../activities/webhook-outbox';
import { refusedWebhookTarget } from '../../activities/webhook-target-guard';
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
import {
  createWebhookEndpointSchema,
  listWebhookDeliveriesQuery,
  replayWebhookDeliveriesSchema,
  rotateWebhookSecretSchema,
  updateWebhookEndpointSchema,
  webhookEndpointView,
} from '../../domain/webhook-events';
import { authorizeWorkspace, requirePlatformKey } from '../auth';
import type { ApiContext } from '../context';
import { cursorFromQuery, encodeCursor } from '../cursor';
import { Problem } from '../problem';
import { parseBody, parseQuery, withCheckedPathParams } from '../validate';

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
  const router = withCheckedPathParams(Router());
  const secrets = new SecretBox(ctx.secret);

  /** Platform-wide endpoints need a platform key; a workspace key manages its own. */
  function authorizeEndpoint(req: Request, workspaceId: string | null): void {
    if (workspaceId === null) requirePlatformKey(req);
    else authorizeWorkspace(req, workspaceId);
  }

  async function endpointOf(req: Request<{ id: string }>): Promise<WebhookEndpointRow> {
    const row = await ctx.orm.em.fork().findOne(WebhookEndpointSchema, req.params.id);
    // A workspace key sees its own endpoints only; any other, platform-wide ones included, is as good as missing.
    const reachable = row && (req.caller?.scope === 'platform' || req.caller?.workspaceId === row.workspaceId);
    if (!reachable) throw new Problem('webhook_endpoint_not_found', `no webhook endpoint "${req.params.id}"`);
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

  async function deliveryViews(deliveries: WebhookDeliveryRow[]) {
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

  router.post('/v1/webhook-endpoints', async (req, res) => {
    const input = parseBody(createWebhookEndpointSchema, req);
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
    res.status(201).json({ ...webhookEndpointView(row), secret });
  });

  router.get('/v1/webhook-endpoints', async (req, res) => {
    const caller = req.caller;
    const where = caller?.scope === 'workspace' ? { workspaceId: caller.workspaceId } : {};
    const rows = await ctx.orm.em
      .fork()
      .find(WebhookEndpointSchema, where, { orderBy: { createdAt: 'asc', id: 'asc' } });
    res.json({ data: rows.map(webhookEndpointView), nextCursor: null });
  });

  router.get('/v1/webhook-endpoints/:id', async (req, res) => {
    res.json(webhookEndpointView(await endpointOf(req)));
  });

  router.patch('/v1/webhook-endpoints/:id', async (req, res) => {
    const input = parseBody(updateWebhookEndpointSchema, req);
    const endpoint = await endpointOf(req);
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
    res.json(webhookEndpointView(row));
  });

  router.delete('/v1/webhook-endpoints/:id', async (req, res) => {
    const row = await endpointOf(req);
    await ctx.orm.em.fork().nativeDelete(WebhookEndpointSchema, { id: row.id });
    res.status(204).end();
  });

  router.post('/v1/webhook-endpoints/:id/rotate-secret', async (req, res) => {
    const { graceSeconds } = parseBody(rotateWebhookSecretSchema, req);
    const endpoint = await endpointOf(req);
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
    res.json({ ...webhookEndpointView(row), secret });
  });

  router.get('/v1/webhook-endpoints/:id/deliveries', async (req, res) => {
    const query = parseQuery(listWebhookDeliveriesQuery, req);
    const cursor = cursorFromQuery(query.cursor);
    const endpoint = await endpointOf(req);
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
    res.json({
      data: await deliveryViews(deliveries),
      nextCursor:
        page.length > query.limit && last
          ? encodeCursor({ createdAt: last.createdAt.toISOString(), id: last.id })
          : null,
    });
  });

  router.post('/v1/webhook-endpoints/:id/deliveries/:deliveryId/replay', async (req, res) => {
    const endpoint = await endpointOf(req);
    const em = ctx.orm.em.fork();
    const delivery = await em.findOne(WebhookDeliverySchema, { id: req.params.deliveryId, endpointId: endpoint.id });
    if (!delivery) {
      throw new Problem('webhook_delivery_not_found', `no delivery "${req.params.deliveryId}" to this endpoint`);
    }
    refuseIfDisabled(endpoint);
    if ((await redeliver(endpoint.id, 'id = ?', [delivery.id])).length === 0) {
      throw new Problem('webhook_delivery_in_progress', `the delivery "${delivery.id}" is being delivered right now`);
    }
    await em.refresh(delivery);
    res.status(202).json((await deliveryViews([delivery]))[0]);
  });

  router.post('/v1/webhook-endpoints/:id/replay', async (req, res) => {
    const { since } = parseBody(replayWebhookDeliveriesSchema, req);
    const endpoint = await endpointOf(req);
    refuseIfDisabled(endpoint);
    const replayed = (await redeliver(endpoint.id, `status = 'failed' and created_at >= ?`, [new Date(since)])).length;
    res.status(202).json({ replayed });
  });

  return router;
}
