import { ApiKeySchema } from './api-key';
import { WebhookAttemptSchema } from './webhook-attempt';
import { WebhookDeliverySchema } from './webhook-delivery';
import { WebhookEndpointSchema } from './webhook-endpoint';
import { WorkspaceSchema } from './workspace';

export * from './api-key';
export * from './webhook-attempt';
export * from './webhook-delivery';
export * from './webhook-endpoint';
export * from './workspace';

/** Every entity, listed explicitly: discovery never globs or reads decorator metadata. */
export const entities = [
  WorkspaceSchema,
  ApiKeySchema,
  WebhookEndpointSchema,
  WebhookDeliverySchema,
  WebhookAttemptSchema,
];
