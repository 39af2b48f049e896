import { z } from 'zod';
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
