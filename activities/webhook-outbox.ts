import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { WebhookDeliverySchema, WebhookEndpointSchema } from '../db/entities';
import { isSubscribed, type WebhookEventType } from '../domain/webhook-events';

export interface WebhookEvent {
  type: WebhookEventType;
  /** Unique per event and stable across retries of the activity that emits it. */
  key: string;
  workspaceId: string | null;
  timestamp: string;
  data: Record<string, unknown>;
}

/** The `webhook-id` of one event to one endpoint: derived, so a retried emit cannot duplicate it. */
function deliveryId(eventKey: string, endpointId: string): string {
  return `msg_${createHash('sha256').update(`${eventKey}|${endpointId}`).digest('base64url').slice(0, 27)}`;
}

/**
 * Writes one delivery per subscribed endpoint inside the caller's transaction
 * (the outbox), and returns every delivery id the event has, new or not.
 */
export async function enqueueWebhookEvents(em: EntityManager, events: WebhookEvent[]): Promise<string[]> {
  if (events.length === 0) return [];
  const endpoints = await em.find(WebhookEndpointSchema, { disabledAt: null });
  const rows = events.flatMap((event) =>
    endpoints
      .filter((endpoint) => endpoint.workspaceId === null || endpoint.workspaceId === event.workspaceId)
      .filter((endpoint) => isSubscribed(endpoint.events, event.type))
      .map((endpoint) => ({
        id: deliveryId(event.key, endpoint.id),
        endpointId: endpoint.id,
        eventType: event.type,
        payload: { type: event.type, timestamp: event.timestamp, data: event.data },
      })),
  );
  if (rows.length > 0) {
    await em.createQueryBuilder(WebhookDeliverySchema).insert(rows).onConflict('id').ignore().execute();
  }
  return rows.map((row) => row.id);
}
