import type { Routes } from '../contract';
import type { AnswerBody, RequestBody, RequestQuery } from '../contract/route';
import type { z } from 'zod';

// Requests and answers, inferred from the routes' declarations: what the server parses and answers is what these say.
export type UpsertWorkspaceRequest = RequestBody<Routes['putWorkspace']>;
export type CreateInvitationRequest = RequestBody<Routes['createInvitation']>;
export type ListInvitationsQuery = RequestQuery<Routes['listInvitations']>;
export type ChangeInvitationRequest = RequestBody<Routes['changeInvitation']>;
export type InvitationActionRequest = RequestBody<Routes['sendInvitation']>;
export type InvitationDecisionRequest = RequestBody<Routes['approveInvitation']>;
export type AcceptInvitationRequest = RequestBody<Routes['acceptInvitation']>;
export type DeclineInvitationRequest = RequestBody<Routes['declineInvitation']>;
export type BulkImportRequest = RequestBody<Routes['importInvitations']>;
/** The settings of a CSV import, as the query-string fields the route reads (lists comma-separated). */
export type BulkCsvQuery = z.input<Routes['importInvitations']['csv']['query']>;
export type ListMembersQuery = RequestQuery<Routes['listMembers']>;
export type UpdateMemberRequest = RequestBody<Routes['updateMember']>;
export type UpdateInvitationCodeRequest = RequestBody<Routes['putInvitationCode']>;
export type JoinWithCodeRequest = RequestBody<Routes['joinWithCode']>;
export type RegistrationRequest = RequestBody<Routes['registerUser']>;
export type EmailTemplateRequest = RequestBody<Routes['putEmailTemplate']>;
export type PreviewTemplateRequest = RequestBody<Routes['previewEmailTemplate']>;
export type CreateWebhookEndpointRequest = RequestBody<Routes['createWebhookEndpoint']>;
/** Fields left out keep their value; `disabled: false` re-enables an endpoint. */
export type UpdateWebhookEndpointRequest = RequestBody<Routes['updateWebhookEndpoint']>;
/** `graceSeconds`: how long the old secret keeps signing beside the new one. */
export type RotateWebhookSecretRequest = RequestBody<Routes['rotateWebhookSecret']>;
/** `since` (ISO 8601): the failed deliveries created from then on are sent again. */
export type ReplayWebhookDeliveriesRequest = RequestBody<Routes['replayWebhookDeliveries']>;
export type ListWebhookDeliveriesQuery = RequestQuery<Routes['listWebhookDeliveries']>;
export type PrintInvitationQuery = RequestQuery<Routes['printInvitation']>;
export type CreateInviteLinkRequest = RequestBody<Routes['createInviteLink']>;
export type UpdateInviteLinkRequest = RequestBody<Routes['updateInviteLink']>;
export type RedeemInviteLinkRequest = RequestBody<Routes['redeemInviteLink']>;
export type ListRedemptionsQuery = RequestQuery<Routes['listInviteLinkRedemptions']>;

export type Workspace = AnswerBody<Routes['getWorkspace'], 200>;
export type Invitation = AnswerBody<Routes['getInvitation'], 200>;
export type { Page } from '../domain/page';
export type InvitationLink = AnswerBody<Routes['getInvitationLink'], 200>;
/** What the invitee sees before acting: no history, no channels, the inviter's name only. */
export type InvitationLookup = AnswerBody<Routes['lookupInvitation'], 200>;
export type AcceptedInvitation = AnswerBody<Routes['acceptInvitation'], 200>;
export type DeclinedInvitation = AnswerBody<Routes['declineInvitation'], 200>;
export type RegistrationResult = AnswerBody<Routes['registerUser'], 200>;
export type BulkImport = AnswerBody<Routes['importInvitations'], 202>;
export type BulkImportSummary = AnswerBody<Routes['cancelBulkImport'], 202>;
export type Member = AnswerBody<Routes['getMember'], 200>;
export type JoinedMember = AnswerBody<Routes['joinWithCode'], 201>;
export type InvitationCode = AnswerBody<Routes['getInvitationCode'], 200>;
export type InviteLink = AnswerBody<Routes['getInviteLink'], 200>;
export type InviteLinkRedemption = AnswerBody<Routes['listInviteLinkRedemptions'], 200>['data'][number];
export type EmailTemplate = AnswerBody<Routes['getEmailTemplate'], 200>;
export type EmailTemplateName = EmailTemplate['name'];
export type RenderedEmail = AnswerBody<Routes['previewEmailTemplate'], 200>;
export type WebhookEndpoint = AnswerBody<Routes['getWebhookEndpoint'], 200>;
/** With the `whsec_` signing secret: shown in this answer only. */
export type CreatedWebhookEndpoint = AnswerBody<Routes['createWebhookEndpoint'], 201>;
export type ReplayedWebhookDeliveries = AnswerBody<Routes['replayWebhookDeliveries'], 202>;
export type WebhookDelivery = AnswerBody<Routes['replayWebhookDelivery'], 202>;
