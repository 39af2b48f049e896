import { z } from 'zod';
import { timestampSchema } from './timestamp';
import { invitationEventTypes, type InvitationEventType } from './invitation';

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
  'bulk.completed',
  'endpoint.disabled',
] as const;

export type WebhookEventType = (typeof webhookEventTypes)[number];

export function invitationWebhookType(type: InvitationEventType): WebhookEventType {
  return type === 'erased' ? 'invitee.erased' : `invitation.${type}`;
}

/** An endpoint subscribed to `*` receives every event type. */
export function isSubscribed(subscribed: readonly string[], type: WebhookEventType): boolean {
  return subscribed.includes('*') || subscribed.includes(type);
}

export const createWebhookEndpointSchema = z.object({
  url: z.url({ protocol: /^https?$/ }).max(2048),
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

export const webhookDeliveryStatusFilter = z.enum(['pending', 'delivered', 'failed']);

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
  disabledReason?: string | null;
}

export function webhookEndpointView(endpoint: WebhookEndpointFields) {
  return {
    id: endpoint.id,
    url: endpoint.url,
    events: [...endpoint.events],
    workspaceId: endpoint.workspaceId,
    description: endpoint.description,
    createdAt: endpoint.createdAt.toISOString(),
    disabledAt: endpoint.disabledAt?.toISOString() ?? null,
    disabledReason: endpoint.disabledReason ?? null,
  };
}

export type WebhookEndpointView = ReturnType<typeof webhookEndpointView>;
