import { EntitySchema, type Opt } from '@mikro-orm/core';

export interface WebhookAttemptRow {
  /** bigint identity, as a string so it never loses precision. */
  id: Opt<string>;
  deliveryId: string;
  attemptedAt: Date;
  /** `null` when no HTTP response came back (DNS, TLS, timeout…): see `error`. */
  statusCode: number | null;
  latencyMs: number;
  /** The start of the response body, truncated by the sender. */
  responseSnippet: string | null;
  error: string | null;
}

export const WebhookAttemptSchema = new EntitySchema<WebhookAttemptRow>({
  name: 'WebhookAttempt',
  tableName: 'webhook_attempts',
  properties: {
    id: { type: 'bigint', primary: true, autoincrement: true },
    deliveryId: { type: 'text' },
    attemptedAt: { type: 'datetime' },
    statusCode: { type: 'integer', nullable: true },
    latencyMs: { type: 'integer' },
    responseSnippet: { type: 'text', nullable: true },
    error: { type: 'text', nullable: true },
  },
});
