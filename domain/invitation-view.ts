import { z } from 'zod';
import {
  acceptMethods,
  bounceTypes,
  invitationEventTypes,
  invitationStatuses,
  type InvitationState,
} from './invitation';
import { memberViewSchema } from './member';
import { pageOf } from './page';
import { channelSchema, workspaceViewSchema } from './workspace';

const timestamp = z.iso.datetime();

/** What hosts see of an invitation, in the API and in webhooks: not the settings it keeps from its workspace. */
export const invitationViewSchema = z
  .object({
    id: z.string(),
    workspaceId: z.string(),
    status: z.enum(invitationStatuses),
    invitee: z.object({
      email: z.string().nullable(),
      phone: z.string().nullable().describe('E.164, e.g. +33612345678'),
      name: z.string().nullable(),
      userId: z.string().nullable(),
      phoneConsent: z
        .boolean()
        .optional()
        .describe('The invitee agreed that their phone be used; only then does a registration match it'),
    }),
    roles: z.array(z.string()),
    groups: z.array(z.string()),
    channels: z.array(channelSchema),
    inviter: z.object({ userId: z.string(), roles: z.array(z.string()), name: z.string().optional() }),
    locale: z.string().nullable(),
    sendCount: z.number().int().min(0),
    lastSentAt: timestamp.nullable(),
    expiresAt: timestamp.nullable(),
    createdAt: timestamp,
    acceptedAt: timestamp.nullable(),
    acceptedBy: z.string().nullable(),
    erasedAt: timestamp.optional().describe("When the invitee's email, phone and name were erased"),
    events: z
      .array(
        z.object({
          seq: z.number().int().min(1),
          type: z.enum(invitationEventTypes),
          at: timestamp,
          by: z.string().nullable(),
          detail: z
            .string()
            .optional()
            .describe('The channel on delivered and delivery_failed events, and what failed; never personal data'),
          messageId: z
            .string()
            .optional()
            .describe(
              "The provider's message id (a Twilio SID, an email's Message-ID) on events from a delivery report",
            ),
          bounceType: z
            .enum(bounceTypes)
            .optional()
            .describe(
              "On an email's delivery_failed from its provider: hard (the address takes no mail) or soft (it may later)",
            ),
          complaint: z
            .literal(true)
            .optional()
            .describe("On an email's delivery_failed from its provider: the recipient called it spam"),
          method: z
            .enum(acceptMethods)
            .optional()
            .describe('On accepted events: through the link, or a registration matching a verified contact'),
        }),
      )
      .describe('The history, oldest first; empty in lists'),
  })
  .meta({ id: 'Invitation' });

export type InvitationView = z.infer<typeof invitationViewSchema>;

export const invitationPageSchema = pageOf(invitationViewSchema).meta({ id: 'InvitationPage' });

export const invitationLinkSchema = z.object({ url: z.url() }).meta({ id: 'InvitationLink' });

/** What the invitee's side shows before acting: no history, no channels, the inviter's name only. */
export const invitationLookupSchema = z
  .object({
    invitation: invitationViewSchema
      .pick({ id: true, status: true, invitee: true, roles: true, groups: true, expiresAt: true })
      .extend({ erasedAt: timestamp.nullable() })
      .extend({ inviter: z.object({ userId: z.string(), name: z.string().nullable() }) }),
    workspace: workspaceViewSchema.pick({ id: true, name: true }),
  })
  .meta({ id: 'InvitationLookup' });

export type InvitationLookup = z.infer<typeof invitationLookupSchema>;

export const acceptedInvitationSchema = z
  .object({ invitation: invitationViewSchema, member: memberViewSchema })
  .meta({ id: 'AcceptedInvitation' });

export type AcceptedInvitation = z.infer<typeof acceptedInvitationSchema>;

export const declinedInvitationSchema = z
  .object({ invitation: invitationViewSchema })
  .meta({ id: 'DeclinedInvitation' });

export function invitationView(state: InvitationState): InvitationView {
  const {
    ttlMs: _ttlMs,
    resendIntervalMs: _resendIntervalMs,
    reminderOffsetsMs: _reminderOffsetsMs,
    fallback: _fallback,
    ...view
  } = state;
  return view;
}

/**
 * The state of an invitation whose run has closed, rebuilt from what hosts
 * see: the timings it kept from its workspace no longer matter, since no run
 * is left to send anything.
 */
export function closedInvitationState(view: InvitationView): InvitationState {
  return { ...view, ttlMs: 0, resendIntervalMs: 0, reminderOffsetsMs: [] };
}

/** The run's details in the Temporal UI: what was asked for, never who the invitee is. */
export function invitationStaticDetails({ roles, groups, channels }: InvitationState): string {
  return [
    `Roles: ${roles.join(', ') || 'none'}`,
    `Groups: ${groups.join(', ') || 'none'}`,
    `Channels: ${channels.join(', ') || 'link only'}`,
  ].join('\n\n');
}
