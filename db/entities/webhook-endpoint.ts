import { EntitySchema, type Opt } from '@mikro-orm/core';
import type { WebhookEventType } from '../../domain/webhook-events';

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
  },
});
