import { EntitySchema, type Opt } from '@mikro-orm/core';
import type { WebhookDisabledReason, WebhookEventType } from '../../domain/webhook-events';

export interface WebhookEndpointRow {
  id: string;
  url: string;
  /** Subscribed types; `*` subscribes to all of them. */
  events: (WebhookEventType | '*')[];
  /** `null`: platform-wide, receives events of every workspace. */
  workspaceId: string | null;
  description: string | null;
  /** The `whsec_` signing secret, encrypted: unlike API keys it is needed back to sign. */
  secretCiphertext: string;
  createdAt: Opt<Date>;
  disabledAt: Date | null;
  disabledReason: Opt<WebhookDisabledReason | null>;
  /** The secret before the last rotation, encrypted; it still signs until `previousSecretExpiresAt`. */
  previousSecretCiphertext: Opt<string | null>;
  previousSecretExpiresAt: Opt<Date | null>;
  /** No dispatcher is draining its outbox: whoever queues a message for it wakes one. */
  dispatcherIdle: Opt<boolean>;
}

export const WebhookEndpointSchema = new EntitySchema<WebhookEndpointRow>({
  name: 'WebhookEndpoint',
  tableName: 'webhook_endpoints',
  properties: {
    id: { type: 'text', primary: true },
    url: { type: 'text' },
    events: { type: 'json' },
    workspaceId: { type: 'text', nullable: true },
    description: { type: 'text', nullable: true },
    secretCiphertext: { type: 'text' },
    createdAt: { type: 'datetime', defaultRaw: 'now()' },
    disabledAt: { type: 'datetime', nullable: true },
    disabledReason: { type: 'text', nullable: true },
    previousSecretCiphertext: { type: 'text', nullable: true },
    previousSecretExpiresAt: { type: 'datetime', nullable: true },
    dispatcherIdle: { type: 'boolean', default: true },
  },
});
