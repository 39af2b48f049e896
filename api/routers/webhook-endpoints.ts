import { randomBytes } from 'node:crypto';
import { Router, type Request } from 'express';
import {
  WebhookAttemptSchema,
  WebhookDeliverySchema,
  WebhookEndpointSchema,
  type WebhookEndpointRow,
} from '../../db/entities';
import { newId } from '../../domain/ids';
import { SecretBox } from '../../domain/secret-box';
import { createWebhookEndpointSchema } from '../../domain/webhook-events';
import { authorizeWorkspace, requirePlatformKey } from '../auth';
import type { ApiContext } from '../context';
import { Problem } from '../problem';
import { parseBody } from '../validate';

function endpointView(row: WebhookEndpointRow) {
  return {
    id: row.id,
    url: row.url,
    events: row.events,
    workspaceId: row.workspaceId,
    description: row.description,
    createdAt: row.createdAt.toISOString(),
    disabledAt: row.disabledAt?.toISOString() ?? null,
  };
}

/** Standard Webhooks secrets: `whsec_` and base64 of 32 random bytes. */
function newSigningSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

export function webhookEndpointsRouter(ctx: ApiContext): Router {
  const router = Router();
  const secrets = new SecretBox(ctx.secret);

  /** Platform-wide endpoints need a platform key; a workspace key manages its own. */
  function authorizeEndpoint(req: Request, workspaceId: string | null): void {
    if (workspaceId === null) requirePlatformKey(req);
    else authorizeWorkspace(req, workspaceId);
  }

  async function endpointOf(req: Request<{ id: string }>): Promise<WebhookEndpointRow> {
    const row = await ctx.orm.em.fork().findOne(WebhookEndpointSchema, req.params.id);
    if (!row) throw new Problem('webhook_endpoint_not_found', `no webhook endpoint "${req.params.id}"`);
    authorizeEndpoint(req, row.workspaceId);
    return row;
  }

  router.post('/v1/webhook-endpoints', async (req, res) => {
    const input = parseBody(createWebhookEndpointSchema, req);
    authorizeEndpoint(req, input.workspaceId);
    const secret = newSigningSecret();
    const em = ctx.orm.em.fork();
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
    res.status(201).json({ ...endpointView(row), secret });
  });

  router.get('/v1/webhook-endpoints', async (req, res) => {
    const caller = req.caller;
    const where = caller?.scope === 'workspace' ? { workspaceId: caller.workspaceId } : {};
    const rows = await ctx.orm.em
      .fork()
      .find(WebhookEndpointSchema, where, { orderBy: { createdAt: 'asc', id: 'asc' } });
    res.json({ data: rows.map(endpointView), nextCursor: null });
  });

  router.get('/v1/webhook-endpoints/:id', async (req, res) => {
    res.json(endpointView(await endpointOf(req)));
  });

  router.delete('/v1/webhook-endpoints/:id', async (req, res) => {
    const row = await endpointOf(req);
    await ctx.orm.em.fork().nativeDelete(WebhookEndpointSchema, { id: row.id });
    res.status(204).end();
  });

  router.get('/v1/webhook-endpoints/:id/deliveries', async (req, res) => {
    const endpoint = await endpointOf(req);
    const em = ctx.orm.em.fork();
    const deliveries = await em.find(
      WebhookDeliverySchema,
      { endpointId: endpoint.id },
      { orderBy: { createdAt: 'desc' }, limit: 100 },
    );
    const attempts = await em.find(
      WebhookAttemptSchema,
      { deliveryId: { $in: deliveries.map((delivery) => delivery.id) } },
      { orderBy: { attemptedAt: 'asc' } },
    );
    res.json({
      data: deliveries.map((delivery) => ({
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
      })),
      nextCursor: null,
    });
  });

  return router;
}
