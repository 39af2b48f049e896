import { z } from 'zod';
import { timestampSchema } from './timestamp';
import { invitationEventTypes, type InvitationEventType } from './invitation';
import { pageOf } from './page';

type AnnouncedInvitationEvent = Exclude<InvitationEventType, 'erased'>;

const announcedInvitationEvents = invitationEventTypes.filter(
  (type): type is AnnouncedInvitationEvent => type !== 'erased',
);

export const webhookEventTypes = [
  ...announcedInvitationEvents.map((type) => `invitation.${type}` as const),
  // An erasure is about the person, whatever became of the invitation.
  'invitee.erased',
  'member.joined',
  'member.updated',
  'member.removed',
  'member.expiring',
  'member.expired',
  'bulk.completed',
  'endpoint.disabled',
] as const;

export type WebhookEventType = (typeof webhookEventTypes)[number];

/** `pending` until delivered, or until its retry window ends as `failed`. */
export const webhookDeliveryStatuses = ['pending', 'delivered', 'failed'] as const;
export type WebhookDeliveryStatus = (typeof webhookDeliveryStatuses)[number];

/** Why an endpoint stopped receiving: it answered `410 Gone`, it failed for a whole retry window, or someone said so. */
export const webhookDisabledReasons = ['gone', 'failing', 'manual'] as const;
export type WebhookDisabledReason = (typeof webhookDisabledReasons)[number];

export function invitationWebhookType(type: InvitationEventType): WebhookEventType {
  return type === 'erased' ? 'invitee.erased' : `invitation.${type}`;
}

/** An endpoint subscribed to `*` receives every event type. */
export function isSubscribed(subscribed: readonly string[], type: WebhookEventType): boolean {
  return subscribed.includes('*') || subscribed.includes(type);
}

export const createWebhookEndpointSchema = z.object({
  url: z
    .url({ protocol: /^https?$/ })
    .max(2048)
    // What the URL check admits, stated for the document.
    .meta({ pattern: '^https?://[^/?#]' }),
  events: z
    .array(z.union([z.enum(webhookEventTypes), z.literal('*')]))
    .min(1)
    .default(['*']),
  workspaceId: z.string().min(1).max(64).nullable().default(null),
  description: z.string().max(500).optional(),
});

export type CreateWebhookEndpoint = z.infer<typeof createWebhookEndpointSchema>;

/** PATCH: change the target or subscriptions, or re-enable (`disabled: false`) an endpoint that was disabled. */
export const updateWebhookEndpointSchema = z
  .object({
    url: createWebhookEndpointSchema.shape.url.optional(),
    events: createWebhookEndpointSchema.shape.events.unwrap().optional(),
    description: z.string().max(500).nullable().optional(),
    disabled: z.boolean().optional(),
  })
  .strict();

export type UpdateWebhookEndpoint = z.infer<typeof updateWebhookEndpointSchema>;

const maxGraceSeconds = 7 * 24 * 60 * 60;

/** How long the secret before a rotation keeps signing, so consumers can switch without missing a message. */
export const rotateWebhookSecretSchema = z
  .object({
    graceSeconds: z
      .number()
      .int()
      .min(0)
      .max(maxGraceSeconds)
      .default(24 * 60 * 60),
  })
  .strict();

export const replayWebhookDeliveriesSchema = z.object({ since: timestampSchema }).strict();

export const webhookDeliveryStatusFilter = z.enum(webhookDeliveryStatuses);

export const listWebhookDeliveriesQuery = z.object({
  status: webhookDeliveryStatusFilter.optional(),
  cursor: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(100).default(100),
});

/** What an endpoint looks like to its owner and in `endpoint.disabled`: never its secret. */
export interface WebhookEndpointFields {
  id: string;
  url: string;
  events: readonly string[];
  workspaceId: string | null;
  description: string | null;
  createdAt: Date;
  disabledAt: Date | null;
  disabledReason?: WebhookDisabledReason | null;
}

const timestamp = z.iso.datetime();

export const webhookEndpointViewSchema = z
  .object({
    id: z.string(),
    url: z.string(),
    events: createWebhookEndpointSchema.shape.events.unwrap(),
    workspaceId: z.string().nullable().describe('`null`: platform-wide, receives the events of every workspace'),
    description: z.string().nullable(),
    createdAt: timestamp,
    disabledAt: timestamp.nullable(),
    disabledReason: z
      .enum(webhookDisabledReasons)
      .nullable()
      .describe('`gone`: it answered 410; `failing`: it failed for a whole three-day retry window; `manual`'),
  })
  .meta({ id: 'WebhookEndpoint' });

export type WebhookEndpointView = z.infer<typeof webhookEndpointViewSchema>;

export function webhookEndpointView(endpoint: WebhookEndpointFields): WebhookEndpointView {
  return {
    id: endpoint.id,
    url: endpoint.url,
    events: [...endpoint.events] as WebhookEndpointView['events'],
    workspaceId: endpoint.workspaceId,
    description: endpoint.description,
    createdAt: endpoint.createdAt.toISOString(),
    disabledAt: endpoint.disabledAt?.toISOString() ?? null,
    disabledReason: endpoint.disabledReason ?? null,
  };
}

export const createdWebhookEndpointSchema = webhookEndpointViewSchema
  .extend({ secret: z.string().describe('The `whsec_` signing secret: shown in this answer only') })
  .meta({ id: 'CreatedWebhookEndpoint' });

export const rotatedWebhookEndpointSchema = webhookEndpointViewSchema
  .extend({ secret: z.string().describe('The new `whsec_` signing secret: shown in this answer only') })
  .meta({ id: 'RotatedWebhookEndpoint' });

export const webhookEndpointPageSchema = z
  .object({ data: z.array(webhookEndpointViewSchema), nextCursor: z.null() })
  .meta({ id: 'WebhookEndpointPage' });

export const webhookDeliverySchema = z
  .object({
    id: z.string().describe('The Standard Webhooks `webhook-id`'),
    eventType: z.enum(webhookEventTypes),
    status: z.enum(webhookDeliveryStatuses),
    attemptCount: z.number().int().min(0),
    createdAt: timestamp,
    deliveredAt: timestamp.nullable(),
    attempts: z.array(
      z.object({
        attemptedAt: timestamp,
        statusCode: z.number().int().nullable().describe('`null` when no HTTP response came back: see `error`'),
        latencyMs: z.number().int(),
        responseSnippet: z.string().nullable(),
        error: z.string().nullable(),
      }),
    ),
  })
  .meta({ id: 'WebhookDelivery' });

export type WebhookDelivery = z.infer<typeof webhookDeliverySchema>;

export const webhookDeliveryPageSchema = pageOf(
  webhookDeliverySchema,
  'The newest first, `limit` (default 100) per page',
).meta({ id: 'WebhookDeliveryPage' });

export const replayedDeliveriesSchema = z
  .object({ replayed: z.number().int().min(0).describe('How many failed deliveries were started again') })
  .meta({ id: 'ReplayedWebhookDeliveries' });
