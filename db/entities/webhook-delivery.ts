import { EntitySchema, type Opt } from '@mikro-orm/core';
import type { WebhookEventType } from '../../domain/webhook-events';

export const webhookDeliveryStatuses = ['pending', 'delivered', 'failed'] as const;
export type WebhookDeliveryStatus = (typeof webhookDeliveryStatuses)[number];

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
  createdAt: Opt<Date>;
  lastAttemptAt: Date | null;
  deliveredAt: Date | null;
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
    createdAt: { type: 'datetime', defaultRaw: 'now()' },
    lastAttemptAt: { type: 'datetime', nullable: true },
    deliveredAt: { type: 'datetime', nullable: true },
  },
});
