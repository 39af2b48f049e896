import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { activeEndpoints } from './webhook-endpoints';
import { isSubscribed, type WebhookEventType } from '../domain/webhook-events';

export interface WebhookEvent {
  type: WebhookEventType;
  /** Unique per event and stable across retries of the activity that emits it. */
  key: string;
  /** What the event is about (an invitation, a member): its events reach each endpoint in order. */
  orderingKey: string;
  workspaceId: string | null;
  timestamp: string;
  data: Record<string, unknown>;
}

/** Endpoints whose dispatcher is to be woken once the transaction that queued their messages commits. */
export type EndpointsToWake = string[];

/** The `webhook-id` of one event to one endpoint: derived, so a retried emit cannot duplicate it. */
function deliveryId(eventKey: string, endpointId: string): string {
  return `msg_${createHash('sha256').update(`${eventKey}|${endpointId}`).digest('base64url').slice(0, 27)}`;
}

/**
 * Marks endpoints busy inside the caller's transaction and returns those that
 * were idle: no dispatcher drains them, so the caller wakes one after commit.
 * A dispatcher going idle marks itself first and looks for due messages
 * after, so one of the two always sees the other.
 */
export async function claimIdleEndpoints(em: EntityManager, endpointIds: string[]): Promise<EndpointsToWake> {
  if (endpointIds.length === 0) return [];
  const rows = await em.execute<{ id: string }[]>(
    `update webhook_endpoints set dispatcher_idle = false
     where id in (${endpointIds.map(() => '?').join(', ')}) and dispatcher_idle and disabled_at is null returning id`,
    endpointIds,
  );
  return rows.map((row) => row.id);
}

/**
 * Writes one delivery per subscribed endpoint inside the caller's transaction
 * (the outbox), and returns the endpoints whose dispatcher is to be woken.
 */
export async function enqueueWebhookEvents(em: EntityManager, events: WebhookEvent[]): Promise<EndpointsToWake> {
  if (events.length === 0) return [];
  const endpoints = await activeEndpoints(em);
  const rows = events.flatMap((event) =>
    endpoints
      .filter((endpoint) => endpoint.workspace_id === null || endpoint.workspace_id === event.workspaceId)
      .filter((endpoint) => isSubscribed(endpoint.events, event.type))
      .map((endpoint) => ({
        id: deliveryId(event.key, endpoint.id),
        endpointId: endpoint.id,
        eventType: event.type,
        orderingKey: event.orderingKey,
        // The whole body sent, so every retry carries the same event.
        payload: JSON.stringify({ type: event.type, timestamp: event.timestamp, data: event.data }),
      })),
  );
  if (rows.length === 0) return [];
  await em.execute(
    `insert into webhook_deliveries (id, endpoint_id, event_type, ordering_key, payload)
     values ${rows.map(() => '(?, ?, ?, ?, ?::jsonb)').join(', ')} on conflict (id) do nothing`,
    rows.flatMap((row) => [row.id, row.endpointId, row.eventType, row.orderingKey, row.payload]),
  );
  return claimIdleEndpoints(em, [...new Set(rows.map((row) => row.endpointId))]);
}
