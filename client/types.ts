import type { z } from 'zod';
import type { BulkOutcome, BulkProgress, BulkStatus } from '../domain/bulk';
import type { bulkCsvQuerySchema, bulkJsonSchema } from '../domain/bulk-input';
import type {
  emailTemplateSchema,
  EmailTemplateName,
  EmailTemplateSources,
  previewTemplateSchema,
} from '../domain/email-template';
import type { ErrorCode } from '../domain/error-codes';
import type { AcceptMethod } from '../domain/invitation';
import type { InvitationCodeView, joinWithCodeSchema, updateInvitationCodeSchema } from '../domain/invitation-code';
import type {
  acceptInvitationSchema,
  changeInvitationSchema,
  createInvitationSchema,
  declineInvitationSchema,
  invitationActionSchema,
  invitationDecisionSchema,
  listInvitationsQueryFields,
} from '../domain/invitation-input';
import type { InvitationView } from '../domain/invitation-view';
import type { MemberView } from '../domain/member';
import type { listMembersQuerySchema, updateMemberSchema } from '../domain/member-input';
import type { registrationSchema } from '../domain/registration';
import type {
  createWebhookEndpointSchema,
  listWebhookDeliveriesQuery,
  replayWebhookDeliveriesSchema,
  rotateWebhookSecretSchema,
  updateWebhookEndpointSchema,
  WebhookEndpointView,
  WebhookEventType,
} from '../domain/webhook-events';
import type { upsertWorkspaceSchema, Workspace } from '../domain/workspace';

// Requests: what the routes' own schemas accept, defaults left optional.
export type UpsertWorkspaceRequest = z.input<typeof upsertWorkspaceSchema>;
export type CreateInvitationRequest = z.input<typeof createInvitationSchema>;
/** The query's parsed form: `limit` is a number, not the string the query string carries. */
export type ListInvitationsQuery = Partial<z.output<typeof listInvitationsQueryFields>>;
export type ChangeInvitationRequest = z.input<typeof changeInvitationSchema>;
export type InvitationActionRequest = z.input<typeof invitationActionSchema>;
export type InvitationDecisionRequest = z.input<typeof invitationDecisionSchema>;
export type AcceptInvitationRequest = z.input<typeof acceptInvitationSchema>;
export type DeclineInvitationRequest = z.input<typeof declineInvitationSchema>;
export type BulkImportRequest = z.input<typeof bulkJsonSchema>;
/** The settings of a CSV import, as the query-string fields the route reads (lists comma-separated). */
export type BulkCsvQuery = z.input<typeof bulkCsvQuerySchema>;
export type ListMembersQuery = Partial<z.output<typeof listMembersQuerySchema>>;
export type UpdateMemberRequest = z.input<typeof updateMemberSchema>;
export type UpdateInvitationCodeRequest = z.input<typeof updateInvitationCodeSchema>;
export type JoinWithCodeRequest = z.input<typeof joinWithCodeSchema>;
export type RegistrationRequest = z.input<typeof registrationSchema>;
export type EmailTemplateRequest = z.input<typeof emailTemplateSchema>;
export type PreviewTemplateRequest = z.input<typeof previewTemplateSchema>;
export type CreateWebhookEndpointRequest = z.input<typeof createWebhookEndpointSchema>;
/** Fields left out keep their value; `disabled: false` re-enables an endpoint. */
export type UpdateWebhookEndpointRequest = z.input<typeof updateWebhookEndpointSchema>;
/** `graceSeconds`: how long the old secret keeps signing beside the new one. */
export type RotateWebhookSecretRequest = z.input<typeof rotateWebhookSecretSchema>;
/** `since` (ISO 8601): the failed deliveries created from then on are sent again. */
export type ReplayWebhookDeliveriesRequest = z.input<typeof replayWebhookDeliveriesSchema>;
export type ListWebhookDeliveriesQuery = Partial<z.output<typeof listWebhookDeliveriesQuery>>;
/** The route's schema lives with the PDF renderer, on the server. */
export interface PrintInvitationQuery {
  size?: 'a4' | 'letter';
}

// Answers: the views the API builds.
export type { EmailTemplateName, InvitationView as Invitation, MemberView as Member, Workspace };
export type InvitationCode = InvitationCodeView;

export interface Page<Item> {
  data: Item[];
  /** Pass as `cursor` for the next page; `null` on the last one. */
  nextCursor: string | null;
}

export interface InvitationLink {
  url: string;
}

/** What the invitee sees before acting: no history, no channels, the inviter's name only. */
export interface InvitationLookup {
  invitation: Pick<InvitationView, 'id' | 'status' | 'invitee' | 'roles' | 'groups' | 'expiresAt'> & {
    erasedAt: string | null;
    inviter: { userId: string; name: string | null };
  };
  workspace: Pick<Workspace, 'id' | 'name'>;
}

export interface AcceptedInvitation {
  invitation: InvitationView;
  member: MemberView;
}

export interface DeclinedInvitation {
  invitation: InvitationView;
}

export interface JoinedMember {
  member: MemberView;
}

export interface RegistrationResult {
  userId: string;
  matched: { invitationId: string; workspaceId: string; method: Exclude<AcceptMethod, 'link'> }[];
  skipped: { invitationId: string; workspaceId: string; code: ErrorCode }[];
}

export interface BulkImportSummary extends BulkProgress {
  id: string;
  workspaceId: string;
  status: BulkStatus;
  createdAt: string;
  finishedAt: string | null;
}

export interface BulkImport extends BulkImportSummary {
  rows: {
    /** The line in the CSV (header = 1), or the position in the list. */
    line: number;
    email: string | null;
    phone: string | null;
    outcome: BulkOutcome;
    code: string | null;
    invitationId: string | null;
  }[];
}

export interface EmailTemplate extends EmailTemplateSources {
  workspaceId: string;
  name: EmailTemplateName;
  locale: string;
  updatedAt: string;
}

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
  locale: string;
}

export type WebhookEndpoint = WebhookEndpointView;

export interface CreatedWebhookEndpoint extends WebhookEndpoint {
  /** The `whsec_` signing secret: shown in this answer only. */
  secret: string;
}

export interface ReplayedWebhookDeliveries {
  /** How many failed deliveries were started again. */
  replayed: number;
}

export interface WebhookDelivery {
  /** The Standard Webhooks `webhook-id`. */
  id: string;
  eventType: WebhookEventType;
  status: 'pending' | 'delivered' | 'failed';
  attemptCount: number;
  createdAt: string;
  deliveredAt: string | null;
  attempts: {
    attemptedAt: string;
    /** `null` when no HTTP response came back: see `error`. */
    statusCode: number | null;
    latencyMs: number;
    responseSnippet: string | null;
    error: string | null;
  }[];
}
