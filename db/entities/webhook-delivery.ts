import { EntitySchema, type Opt } from '@mikro-orm/core';
import type { WebhookDeliveryStatus, WebhookEventType } from '../../domain/webhook-events';

/** The whole body sent, so every retry carries the same event. */
export interface WebhookPayload {
  type: WebhookEventType;
  timestamp: string;
  data: Record<string, unknown>;
}

export interface WebhookDeliveryRow {
  /** The Standard Webhooks `webhook-id` (`msg_…`): receivers deduplicate on it. */
  id: string;
  endpointId: string;
  eventType: WebhookEventType;
  payload: WebhookPayload;
  status: Opt<WebhookDeliveryStatus>;
  attemptCount: Opt<number>;
  /** Messages with the same key (one invitation, one member) reach the endpoint in the order they were queued. */
  orderingKey: string;
  createdAt: Opt<Date>;
  lastAttemptAt: Opt<Date | null>;
  deliveredAt: Opt<Date | null>;
  /** When a pending message is due; `null` once it is delivered or failed. */
  nextAttemptAt: Opt<Date | null>;
  /** The first attempt since it was queued or last replayed: the retry window counts from here. */
  roundStartedAt: Opt<Date | null>;
  roundAttempts: Opt<number>;
}

export const WebhookDeliverySchema = new EntitySchema<WebhookDeliveryRow>({
  name: 'WebhookDelivery',
  tableName: 'webhook_deliveries',
  properties: {
    id: { type: 'text', primary: true },
    endpointId: { type: 'text' },
    eventType: { type: 'text' },
    payload: { type: 'json' },
    status: { type: 'text', default: 'pending' },
    attemptCount: { type: 'integer', default: 0 },
    orderingKey: { type: 'text' },
    createdAt: { type: 'datetime', defaultRaw: 'now()' },
    lastAttemptAt: { type: 'datetime', nullable: true },
    deliveredAt: { type: 'datetime', nullable: true },
    nextAttemptAt: { type: 'datetime', nullable: true, defaultRaw: 'now()' },
    roundStartedAt: { type: 'datetime', nullable: true },
    roundAttempts: { type: 'integer', default: 0 },
  },
});
