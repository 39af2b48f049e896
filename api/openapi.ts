import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { repoRoot } from '../config/paths';
import { webhookDeliveryStatuses } from '../db/entities/webhook-delivery';
import { errorCodes, RuleViolation, type ErrorCode } from '../domain/error-codes';
import {
  acceptMethods,
  checkCommand,
  createInvitation,
  deadLinkRefusals,
  invitationEventTypes,
  invitationStatuses,
  type InvitationCommand,
} from '../domain/invitation';
import {
  acceptInvitationSchema,
  changeInvitationSchema,
  createInvitationSchema,
  declineInvitationSchema,
  invitationActionSchema,
  invitationDecisionSchema,
  listInvitationsQueryFields,
  lookupInvitationQuerySchema,
} from '../domain/invitation-input';
import { joinMethods, memberStatuses } from '../domain/member';
import { listMembersQuerySchema, updateMemberSchema } from '../domain/member-input';
import { statsQuerySchema, workspaceStatsSchema } from '../domain/stats';
import {
  createWebhookEndpointSchema,
  listWebhookDeliveriesQuery,
  replayWebhookDeliveriesSchema,
  rotateWebhookSecretSchema,
  updateWebhookEndpointSchema,
  webhookEventTypes,
} from '../domain/webhook-events';
import { webhookDisabledReasons } from '../db/entities/webhook-endpoint';
import { joinWithCodeSchema, updateInvitationCodeSchema } from '../domain/invitation-code';
import { channelSchema, upsertWorkspaceSchema, workspaceIdSchema, workspaceSettingsSchema } from '../domain/workspace';
import { emailTemplateSchema, previewTemplateSchema, templatePathSchema } from '../domain/email-template';
import { printInvitationQuerySchema } from './print-invitation';
import { registrationSchema } from '../domain/registration';
import { bulkOutcomes, bulkStatuses } from '../domain/bulk';
import { bulkJsonSchema } from '../domain/bulk-input';
import { twilioCallbackQuerySchema, twilioStatusSchema } from '../domain/delivery-reports';
import { codecPayloadsSchema } from './routers/codec';

// The parts of OpenAPI 3.1 this document uses, typed so the docs page reads it without guessing.
export type JsonSchema = Record<string, unknown>;

export interface Parameter {
  name: string;
  in: 'path' | 'query';
  required: boolean;
  schema: JsonSchema;
}

export interface Content {
  [mediaType: string]: { schema: JsonSchema };
}

export interface Response {
  description: string;
  headers?: Record<string, { description: string; schema: JsonSchema }>;
  content?: Content;
}

export interface Operation {
  operationId: string;
  tags: string[];
  summary: string;
  description?: string;
  /** Empty: no API key needed. */
  security?: [];
  parameters?: Parameter[];
  requestBody?: { required: boolean; content: Content };
  responses: Record<string, Response>;
}

export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; description: string; license: { name: string; identifier: string } };
  tags: { name: string }[];
  security: Record<string, []>[];
  paths: Record<string, Partial<Record<RouteDoc['method'], Operation>>>;
  components: { schemas: Record<string, JsonSchema>; securitySchemes: Record<string, JsonSchema> };
}

const timestamp = z.iso.datetime();

export const invitationViewSchema = z.object({
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
          .describe("The provider's message id (a Twilio SID) on events from a delivery report"),
        method: z
          .enum(acceptMethods)
          .optional()
          .describe('On accepted events: through the link, or a registration matching a verified contact'),
      }),
    )
    .describe('The history, oldest first; empty in lists'),
});

export const workspaceViewSchema = z.object({
  id: workspaceIdSchema,
  name: z.string(),
  settings: workspaceSettingsSchema,
  createdAt: timestamp,
  updatedAt: timestamp,
});

export const webhookEndpointViewSchema = z.object({
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
});

export const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  code: z
    .enum(Object.keys(errorCodes) as [ErrorCode, ...ErrorCode[]])
    .describe('Stable: match on this, not on the texts'),
  detail: z.string(),
  errors: z
    .array(
      z.object({
        field: z.string().describe('JSON pointer into the body (`/invitee/email`), or `query.<name>`'),
        message: z.string(),
      }),
    )
    .optional(),
});

/** What the invitee's side shows before acting: no history, no channels, the inviter's name only. */
const bulkSummarySchema = z.object({
  id: z.string(),
  workspaceId: z.string(),
  status: z.enum(bulkStatuses),
  total: z.number().int(),
  sent: z.number().int(),
  failed: z.number().int(),
  remaining: z.number().int(),
  createdAt: timestamp,
  finishedAt: timestamp.nullable(),
});

const bulkImportSchema = bulkSummarySchema.extend({
  rows: z.array(
    z.object({
      line: z
        .number()
        .int()
        .describe('Where the row is: the line in the CSV (header = 1), or the position in the list'),
      email: z.string().nullable(),
      phone: z.string().nullable(),
      outcome: z.enum(bulkOutcomes),
      code: z
        .string()
        .nullable()
        .describe(
          'Why a row failed (invalid_email, invalid_phone, missing_contact, phone_consent_required, unknown_role, ' +
            'duplicate_in_file, already_member, already_invited, seat_limit_reached, start_refused: Temporal refused ' +
            'its start for good) or was skipped (cancelled)',
        ),
      invitationId: z.string().nullable().describe('The invitation sent, or the open one that made the row fail'),
    }),
  ),
});

const registrationResultSchema = z.object({
  userId: z.string(),
  matched: z.array(
    z.object({ invitationId: z.string(), workspaceId: z.string(), method: z.enum(['phone_match', 'email_match']) }),
  ),
  skipped: z.array(z.object({ invitationId: z.string(), workspaceId: z.string(), code: z.string() })),
});

export const invitationLookupSchema = z.object({
  invitation: invitationViewSchema
    .pick({ id: true, status: true, invitee: true, roles: true, groups: true, expiresAt: true })
    .extend({ erasedAt: timestamp.nullable() })
    .extend({ inviter: z.object({ userId: z.string(), name: z.string().nullable() }) }),
  workspace: workspaceViewSchema.pick({ id: true, name: true }),
});

const memberViewSchema = z.object({
  workspaceId: z.string(),
  userId: z.string(),
  roles: z.array(z.string()),
  groups: z.array(z.string()),
  status: z.enum(memberStatuses),
  joinedVia: z.enum(joinMethods),
  joinedAt: timestamp,
});

const joinedMemberSchema = z.object({ member: memberViewSchema });

const invitationCodeViewSchema = z.object({
  workspaceId: z.string(),
  code: z.string().describe('8 characters, at least one a digit; joins are case-insensitive'),
  disabled: z.boolean(),
  expiresAt: timestamp.nullable(),
  maxUses: z.number().int().min(1).nullable(),
  uses: z.number().int().min(0).describe('Joins with this code since it was set or rotated'),
  createdAt: timestamp.describe('When this code was set or rotated'),
});

const acceptedInvitationSchema = z.object({
  invitation: invitationViewSchema,
  member: memberViewSchema,
});

const webhookDeliverySchema = z.object({
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
});

const readinessSchema = z.object({
  status: z.enum(['ok', 'unavailable']),
  checks: z.object({ database: z.boolean(), temporal: z.boolean() }),
});

const invitationPageSchema = z.object({
  data: z.array(invitationViewSchema),
  nextCursor: z.string().nullable().describe('Pass as `cursor` for the next page; `null` on the last one'),
});
const invitationLinkSchema = z.object({ url: z.url() });
const memberPageSchema = z.object({
  data: z.array(memberViewSchema),
  nextCursor: invitationPageSchema.shape.nextCursor,
});
const declinedInvitationSchema = z.object({ invitation: invitationViewSchema });
const createdWebhookEndpointSchema = webhookEndpointViewSchema.extend({
  secret: z.string().describe('The `whsec_` signing secret: shown in this answer only'),
});
const webhookEndpointPageSchema = z.object({ data: z.array(webhookEndpointViewSchema), nextCursor: z.null() });
const webhookDeliveryPageSchema = z.object({
  data: z.array(webhookDeliverySchema).describe('The newest first, `limit` (default 100) per page'),
  nextCursor: invitationPageSchema.shape.nextCursor,
});
const rotatedWebhookEndpointSchema = webhookEndpointViewSchema.extend({
  secret: z.string().describe('The new `whsec_` signing secret: shown in this answer only'),
});
const replayedDeliveriesSchema = z.object({ replayed: z.number().int().min(0) });
const livenessSchema = z.object({ status: z.literal('ok') });
const emailTemplateViewSchema = emailTemplateSchema.extend({
  workspaceId: z.string(),
  name: templatePathSchema.shape.name,
  locale: z.string(),
  updatedAt: z.string(),
});
const renderedEmailSchema = z.object({ subject: z.string(), html: z.string(), text: z.string(), locale: z.string() });

/** Every answer schema, by its name under `components.schemas`. */
const components = z.registry<{ id: string }>();
for (const [id, schema] of Object.entries({
  Invitation: invitationViewSchema,
  InvitationPage: invitationPageSchema,
  InvitationLink: invitationLinkSchema,
  RegistrationResult: registrationResultSchema,
  BulkImport: bulkImportSchema,
  BulkImportSummary: bulkSummarySchema,
  InvitationLookup: invitationLookupSchema,
  AcceptedInvitation: acceptedInvitationSchema,
  DeclinedInvitation: declinedInvitationSchema,
  Member: memberViewSchema,
  JoinedMember: joinedMemberSchema,
  InvitationCode: invitationCodeViewSchema,
  MemberPage: memberPageSchema,
  WorkspaceStats: workspaceStatsSchema,
  EmailTemplate: emailTemplateViewSchema,
  RenderedEmail: renderedEmailSchema,
  Workspace: workspaceViewSchema,
  WebhookEndpoint: webhookEndpointViewSchema,
  CreatedWebhookEndpoint: createdWebhookEndpointSchema,
  WebhookEndpointPage: webhookEndpointPageSchema,
  WebhookDeliveryPage: webhookDeliveryPageSchema,
  WebhookDelivery: webhookDeliverySchema,
  RotatedWebhookEndpoint: rotatedWebhookEndpointSchema,
  ReplayedWebhookDeliveries: replayedDeliveriesSchema,
  Problem: problemSchema,
  Liveness: livenessSchema,
  Readiness: readinessSchema,
  CodecPayloads: codecPayloadsSchema,
})) {
  components.add(schema, { id });
}

interface Answer {
  status: number;
  description: string;
  /** Registered in `components`; none for an empty answer. */
  schema?: z.ZodType;
  /** An image or a document instead of JSON. */
  media?: 'image/png' | 'image/svg+xml' | 'application/pdf' | 'text/plain';
  headers?: Record<string, string>;
}

interface RouteDoc {
  method: 'get' | 'put' | 'patch' | 'post' | 'delete';
  /** As the router declares it, `:name` parameters and all. */
  path: string;
  operationId: string;
  tag: string;
  summary: string;
  description?: string;
  /** Path parameters the route validates; the others are any string. */
  params?: Record<string, z.ZodType>;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** A form-encoded body (a provider's callback) instead of JSON. */
  form?: true;
  answers: Answer[];
  /** The route's own problem codes; the ones every route, body or query can give are added. */
  errors: ErrorCode[];
  /** The probes answer without an API key. */
  public?: true;
}

/**
 * The codes an invitation command is refused with, asked of the domain's
 * rules so the reference follows them. The sample is past its expiry, which
 * accept and decline refuse whatever the status says, and was last sent just
 * now, which a resend refuses.
 */
function refusals(
  type: Exclude<InvitationCommand['type'], 'expire' | 'remind' | 'request' | 'failDelivery' | 'reportDelivery'>,
): ErrorCode[] {
  const epoch = new Date(0);
  const now = new Date();
  const sample = createInvitation(
    {
      id: 'inv_sample',
      workspaceId: 'sample',
      invitee: { email: null, phone: null, name: null, userId: null },
      roles: [],
      groups: [],
      channels: [],
      inviter: { userId: 'sample', roles: [] },
      locale: null,
      ttlMs: 0,
      resendIntervalMs: 60_000,
      reminderOffsetsMs: [],
    },
    epoch,
  );
  const command: InvitationCommand = type === 'accept' ? { type, userId: 'sample' } : { type };
  const codes = new Set<ErrorCode>();
  for (const status of invitationStatuses) {
    try {
      checkCommand({ ...sample, status, expiresAt: epoch.toISOString(), lastSentAt: now.toISOString() }, command, now);
    } catch (error) {
      if (!(error instanceof RuleViolation)) throw error;
      codes.add(error.code);
    }
  }
  return [...codes];
}

const workspacePath = '/v1/workspaces/:ws';
const invitationsPath = `${workspacePath}/invitations`;
const invitationPath = `${invitationsPath}/:id`;
// Another workspace looks to a workspace key exactly as a missing one does.
const inWorkspace: ErrorCode[] = ['workspace_not_found'];
const ofInvitation: ErrorCode[] = [...inWorkspace, 'invitation_not_found'];
const membersPath = `${workspacePath}/members`;
const memberPath = `${membersPath}/:userId`;
const ofMember: ErrorCode[] = [...inWorkspace, 'member_not_found'];
const templatePath = `${workspacePath}/templates/:name/:locale`;
const templateParams = {
  ws: workspaceIdSchema,
  name: templatePathSchema.shape.name,
  locale: templatePathSchema.shape.locale,
};
const ofEndpoint: ErrorCode[] = ['webhook_endpoint_not_found'];
const invitationCodePath = `${workspacePath}/invitation-code`;

const tokenRefusals: ErrorCode[] = ['invalid_token', 'too_many_attempts'];
const deadLinks =
  'A token that does not verify, or whose invitation expired, was revoked or declined, gets the same 404 ' +
  '`invalid_token`; past `JOIN_ATTEMPTS_*` tries with tokens that do not verify, 429 `too_many_attempts` ' +
  'with `Retry-After`.';

/** What a link the invitee can still use may be refused for: dead links answer `invalid_token` instead. */
function liveLinkRefusals(type: 'accept' | 'decline'): ErrorCode[] {
  return refusals(type).filter((code) => !deadLinkRefusals.includes(code));
}

const invitationActions: RouteDoc[] = (
  [
    ['send', invitationActionSchema, 'Send a registered invitation', 'Starts its expiry clock.'],
    [
      'resend',
      invitationActionSchema,
      'Send a pending or expired invitation again',
      "Restarts its expiry clock from now. An expired invitation takes its seat and its person's place back: " +
        '409 `seat_limit_reached` when the workspace is full, 409 `already_invited` when the person was invited again since.',
    ],
    ['revoke', invitationActionSchema, 'Revoke an invitation', 'Its link stops working at once.'],
    [
      'approve',
      invitationDecisionSchema,
      "Approve a member's invite request",
      'The approver is held to the same policy as an inviter. The invitation is sent (`invitation.sent`, by the approver).',
    ],
    [
      'reject',
      invitationDecisionSchema,
      "Reject a member's invite request",
      'The approver is held to the same policy as an inviter. The invitation ends as `revoked` (`invitation.rejected`).',
    ],
  ] as const
).map(([action, body, summary, description]) => ({
  method: 'post',
  path: `${invitationPath}/${action}`,
  operationId: `${action}Invitation`,
  tag: 'Invitations',
  summary,
  description,
  body,
  answers: [{ status: 200, description: 'The invitation after the change', schema: invitationViewSchema }],
  errors: [
    ...ofInvitation,
    ...refusals(action),
    ...(action === 'approve' || action === 'reject'
      ? (['inviter_not_allowed', 'role_not_grantable', 'unknown_role'] as const)
      : []),
    ...(action === 'resend' ? (['seat_limit_reached', 'already_invited', 'unavailable'] as const) : []),
  ],
}));

/** One entry per route the API serves: adding a route to a router means adding it here. */
const routes: RouteDoc[] = [
  {
    method: 'put',
    path: workspacePath,
    operationId: 'putWorkspace',
    tag: 'Workspaces',
    summary: 'Create or replace a workspace',
    description: 'Needs a platform API key. Omitted settings take their defaults.',
    params: { ws: workspaceIdSchema },
    body: upsertWorkspaceSchema,
    answers: [
      { status: 201, description: 'Created', schema: workspaceViewSchema },
      { status: 200, description: 'Replaced', schema: workspaceViewSchema },
    ],
    errors: ['forbidden'],
  },
  {
    method: 'get',
    path: workspacePath,
    operationId: 'getWorkspace',
    tag: 'Workspaces',
    summary: 'Get a workspace',
    answers: [{ status: 200, description: 'The workspace', schema: workspaceViewSchema }],
    errors: inWorkspace,
  },
  {
    method: 'post',
    path: invitationsPath,
    operationId: 'createInvitation',
    tag: 'Invitations',
    summary: 'Invite someone',
    description:
      'The invitee needs at least one of email, phone or userId, and the contact of each channel used. ' +
      'Roles, channels and expiry default to the workspace settings; the inviter must hold one of its inviter roles ' +
      'and may grant only the roles its grants allow. Inviting someone who already has an open invitation answers ' +
      'that one. An `Idempotency-Key` header makes retries safe. With `allowInviteRequests`, an inviter without an ' +
      'inviter role creates a `requested` invitation for an inviter to approve instead of being refused.',
    body: createInvitationSchema,
    answers: [
      {
        status: 201,
        description: 'Created',
        schema: invitationViewSchema,
        headers: { Location: 'The URL of the new invitation' },
      },
      {
        status: 200,
        description: 'The person already has an open invitation in this workspace: that one',
        schema: invitationViewSchema,
        headers: { Location: 'The URL of the open invitation' },
      },
    ],
    errors: [
      ...inWorkspace,
      'inviter_not_allowed',
      'role_not_grantable',
      'unknown_role',
      'channel_unavailable',
      'seat_limit_reached',
      'idempotency_key_reused',
      'idempotency_key_in_use',
    ],
  },
  {
    method: 'get',
    path: invitationsPath,
    operationId: 'listInvitations',
    tag: 'Invitations',
    summary: 'List invitations, newest first',
    description: 'Without their history. Follow `nextCursor` for the next page.',
    query: listInvitationsQueryFields,
    answers: [{ status: 200, description: 'One page', schema: invitationPageSchema }],
    errors: inWorkspace,
  },
  {
    method: 'get',
    path: invitationPath,
    operationId: 'getInvitation',
    tag: 'Invitations',
    summary: 'Get an invitation with its history',
    answers: [{ status: 200, description: 'The invitation', schema: invitationViewSchema }],
    errors: ofInvitation,
  },
  {
    method: 'patch',
    path: invitationPath,
    operationId: 'changeInvitation',
    tag: 'Invitations',
    summary: "Change an invitation's roles or groups before acceptance",
    description:
      'Fields left out keep their value; roles must be workspace roles. A change of roles names who makes it ' +
      '(`changer`), who is held to `inviterRoles` and `grants` as an inviter is. A real change is announced as ' +
      '`invitation.changed`; the member who accepts gets the latest roles and groups.',
    body: changeInvitationSchema,
    answers: [{ status: 200, description: 'The invitation after the change', schema: invitationViewSchema }],
    errors: [...ofInvitation, 'unknown_role', 'inviter_not_allowed', 'role_not_grantable', ...refusals('change')],
  },
  {
    method: 'get',
    path: `${invitationPath}/link`,
    operationId: 'getInvitationLink',
    tag: 'Invitations',
    summary: 'Get the link an invitee accepts with',
    description: 'For hosts that deliver invitations themselves, or share the link by hand.',
    answers: [{ status: 200, description: 'The link', schema: invitationLinkSchema }],
    errors: ofInvitation,
  },
  ...(['png', 'svg'] as const).map((format): RouteDoc => ({
    method: 'get',
    path: `${invitationPath}/qr.${format}`,
    operationId: `getInvitationQr${format === 'png' ? 'Png' : 'Svg'}`,
    tag: 'Invitations',
    summary: `The invitation link as a QR code (${format.toUpperCase()})`,
    description: 'To show on screen or print, for invitees to scan. It encodes the same link as `.../link`.',
    answers: [
      {
        status: 200,
        description: 'The QR code',
        media: format === 'png' ? 'image/png' : 'image/svg+xml',
      },
    ],
    errors: ofInvitation,
  })),
  {
    method: 'post',
    path: `${invitationsPath}/bulk`,
    operationId: 'importInvitations',
    tag: 'Bulk invitations',
    summary: 'Invite many people at once: a pasted list, JSON entries or a CSV file',
    description:
      'JSON: `emails` (a pasted list separated by semicolons, commas or new lines, the same `roles` for all) or ' +
      '`entries`. CSV: a `text/csv` body with a header row naming `email`, `phone`, `name`, `roles`, `groups` ' +
      '(roles and groups separated by `;` or `|`; UTF-8, with or without BOM), and the settings as query ' +
      'fields (`inviterUserId`, `inviterRoles`, `roles`, ...). At most 10,000 rows and 5 MiB (413 beyond). Every ' +
      'row is checked before anything is sent and reported with its line; the valid rows are sent by a bulk ' +
      'workflow, which ends with `bulk.completed`.',
    body: bulkJsonSchema,
    answers: [
      {
        status: 202,
        description: 'Accepted: the rows, checked; follow Location for progress',
        schema: bulkImportSchema,
        headers: { Location: 'The URL of the import' },
      },
    ],
    errors: [...inWorkspace, 'inviter_not_allowed', 'role_not_grantable'],
  },
  {
    method: 'get',
    path: `${invitationsPath}/bulk/:id`,
    operationId: 'getBulkImport',
    tag: 'Bulk invitations',
    summary: "An import's progress and every row's outcome",
    answers: [{ status: 200, description: 'The import', schema: bulkImportSchema }],
    errors: [...inWorkspace, 'not_found'],
  },
  {
    method: 'post',
    path: `${invitationsPath}/bulk/:id/cancel`,
    operationId: 'cancelBulkImport',
    tag: 'Bulk invitations',
    summary: 'Cancel an import: the rows not started yet are skipped',
    description: 'The batch under way finishes first; the import then ends as `cancelled` with `bulk.completed`.',
    answers: [{ status: 202, description: 'Cancelling', schema: bulkSummarySchema }],
    errors: [...inWorkspace, 'not_found'],
  },
  {
    method: 'get',
    path: `${invitationPath}/print.pdf`,
    operationId: 'printInvitation',
    tag: 'Invitations',
    summary: 'A paper invitation to print (PDF)',
    description:
      'One page for invitees reached neither by email nor by phone: who invites them to which workspace, how to ' +
      "install or open the host's app (the workspace's `app` setting; without one, to scan the code with the phone's " +
      "camera), the QR code and the text of the same link as `.../link`, and the expiry. In the invitation's locale, " +
      "else the workspace's, else English.",
    query: printInvitationQuerySchema,
    answers: [
      {
        status: 200,
        description: 'The invitation, one page',
        media: 'application/pdf',
        headers: { 'Content-Disposition': '`inline; filename="invitation-<id>.pdf"`' },
      },
    ],
    errors: ofInvitation,
  },
  ...invitationActions,
  {
    method: 'get',
    path: '/v1/invitations/lookup',
    operationId: 'lookupInvitation',
    tag: 'Invitee',
    summary: 'Look an invitation up by the token of its link',
    description: `Never consumes the token, so link previews and mail scanners are harmless. ${deadLinks}`,
    query: lookupInvitationQuerySchema,
    answers: [{ status: 200, description: 'What the invitee is invited to', schema: invitationLookupSchema }],
    errors: tokenRefusals,
  },
  {
    method: 'post',
    path: '/v1/invitations/accept',
    operationId: 'acceptInvitation',
    tag: 'Invitee',
    summary: 'Accept an invitation as a user of the host',
    description: deadLinks,
    body: acceptInvitationSchema,
    answers: [
      {
        status: 200,
        description: 'Accepted: the member, as it is now (a repeated acceptance finds it disabled, if it was)',
        schema: acceptedInvitationSchema,
      },
    ],
    errors: [
      ...tokenRefusals,
      ...liveLinkRefusals('accept'),
      ...(['wrong_account', 'email_mismatch', 'already_member'] as const),
    ],
  },
  {
    method: 'post',
    path: '/v1/registrations',
    operationId: 'registerUser',
    tag: 'Invitee',
    summary: 'A user signed up or verified a contact: accept the invitations it matches',
    description:
      "Call it at sign-up and whenever the host verifies a user's email or phone. Open invitations (registered or " +
      'pending) in every workspace the key covers are matched, oldest first: by phone when the invitee consented ' +
      '(`invitee.phoneConsent`) and `phoneVerified` is true, by email (case-insensitively) when `emailVerified` is ' +
      'true. Each match is accepted for the user (`invitation.accepted` with `method`, `member.joined` with ' +
      '`joinedVia: "match"`); after that, the link lets nobody else in. Invitations that could not be accepted are ' +
      'listed under `skipped` with the code of the reason, under the same rules as an accept: `wrong_account` for ' +
      'one made for another account, `email_mismatch`, `already_member`.',
    body: registrationSchema,
    answers: [{ status: 200, description: 'What was matched and accepted', schema: registrationResultSchema }],
    errors: [],
  },
  {
    method: 'delete',
    path: `${invitationPath}/personal-data`,
    operationId: 'eraseInvitee',
    tag: 'Invitations',
    summary: "Erase the invitee's email, phone and name",
    description:
      'The right to erasure: the invitation keeps its status and dates; its email, phone and name are removed from ' +
      'the workflow state, the projection, queued webhooks and kept Idempotency-Key answers, and `invitee.erased` is ' +
      'sent. Works whatever the status; asking again changes nothing.',
    query: invitationActionSchema,
    answers: [{ status: 200, description: 'The invitation, erased', schema: invitationViewSchema }],
    errors: [...inWorkspace, 'invitation_not_found'],
  },
  {
    method: 'post',
    path: '/v1/invitations/decline',
    operationId: 'declineInvitation',
    tag: 'Invitee',
    summary: 'Decline an invitation',
    description: deadLinks,
    body: declineInvitationSchema,
    answers: [{ status: 200, description: 'Declined', schema: declinedInvitationSchema }],
    errors: [...tokenRefusals, ...liveLinkRefusals('decline'), 'wrong_account'],
  },
  {
    method: 'get',
    path: membersPath,
    operationId: 'listMembers',
    tag: 'Members',
    summary: 'List members, newest first',
    description:
      '`role` and `group` match members holding that role or in that group. Follow `nextCursor` for the next page.',
    query: listMembersQuerySchema,
    answers: [{ status: 200, description: 'One page', schema: memberPageSchema }],
    errors: inWorkspace,
  },
  {
    method: 'get',
    path: memberPath,
    operationId: 'getMember',
    tag: 'Members',
    summary: 'Get a member',
    answers: [{ status: 200, description: 'The member', schema: memberViewSchema }],
    errors: ofMember,
  },
  {
    method: 'patch',
    path: memberPath,
    operationId: 'updateMember',
    tag: 'Members',
    summary: "Change a member's roles, groups or status",
    description:
      'Fields left out keep their value; roles must be workspace roles. A real change is announced as ' +
      '`member.updated` with each changed field before and after; a patch that changes nothing announces nothing. ' +
      'Disabling a member is the moment to end their sessions; enabling one again takes a seat (409 ' +
      '`seat_limit_reached` when the workspace is full).',
    body: updateMemberSchema,
    answers: [{ status: 200, description: 'The member after the change', schema: memberViewSchema }],
    errors: [...ofMember, 'unknown_role', 'seat_limit_reached'],
  },
  {
    method: 'delete',
    path: memberPath,
    operationId: 'removeMember',
    tag: 'Members',
    summary: 'Remove a member from the workspace',
    description: 'Announced as `member.removed`, with the member as it was: the moment to end their sessions.',
    answers: [{ status: 204, description: 'Removed' }],
    errors: ofMember,
  },
  {
    method: 'get',
    path: `${workspacePath}/stats`,
    operationId: 'getWorkspaceStats',
    tag: 'Statistics',
    summary: 'The invitation funnel over a period',
    description:
      'Counts the invitations created in [`from`, `to`) (by default the 30 days before now): by status, the ' +
      'acceptance rate of those that reached their invitee, the median time from first send to acceptance, and the ' +
      'same funnel by channel and by inviter. Read from the projection, so it lags the workflows by a moment.',
    query: statsQuerySchema,
    answers: [{ status: 200, description: 'The funnel', schema: workspaceStatsSchema }],
    errors: inWorkspace,
  },
  {
    method: 'get',
    path: invitationCodePath,
    operationId: 'getInvitationCode',
    tag: 'Invitation code',
    summary: "Get the workspace's invitation code",
    description:
      'Made on first read, so every workspace has one: 8 characters without look-alikes (no 0/O, 1/I/L), at least ' +
      'one a digit. Whoever has it joins with `POST /v1/join`.',
    answers: [{ status: 200, description: 'The code and its settings', schema: invitationCodeViewSchema }],
    errors: inWorkspace,
  },
  {
    method: 'post',
    path: `${invitationCodePath}/rotate`,
    operationId: 'rotateInvitationCode',
    tag: 'Invitation code',
    summary: 'Replace the code with a new one',
    description:
      'The old code stops working at once; the new one starts with no uses and keeps the settings. Invitations ' +
      'already sent are not affected.',
    answers: [{ status: 200, description: 'The new code', schema: invitationCodeViewSchema }],
    errors: inWorkspace,
  },
  {
    method: 'put',
    path: invitationCodePath,
    operationId: 'putInvitationCode',
    tag: 'Invitation code',
    summary: 'Choose the code, or change its settings',
    description:
      'Fields left out keep their value. A chosen code may use any letters and digits; a different code starts ' +
      'with no uses. A code another workspace holds is a 422 naming `/code`, and counts as a failed join attempt ' +
      '(429 `too_many_attempts` with `Retry-After` past the cap).',
    body: updateInvitationCodeSchema,
    answers: [{ status: 200, description: 'The code and its settings', schema: invitationCodeViewSchema }],
    errors: [...inWorkspace, 'too_many_attempts'],
  },
  {
    method: 'post',
    path: '/v1/join',
    operationId: 'joinWithCode',
    tag: 'Invitation code',
    summary: 'Join a workspace with its invitation code, as a user of the host',
    description:
      "The user becomes an active member with the workspace's `codeJoinRole` (`joinedVia: code`), within its " +
      '`seatLimit`, announced by `member.joined`. A wrong, disabled, expired or used-up code, or one of another ' +
      "workspace than a workspace API key's, is `invalid_code` whatever the reason. Failed attempts are capped per " +
      'client IP, per user and in all within a sliding window; past a cap every attempt, even with the right code, ' +
      'is a 429 `too_many_attempts` with `Retry-After` in seconds.',
    body: joinWithCodeSchema,
    answers: [{ status: 201, description: 'Joined: the user is now a member', schema: joinedMemberSchema }],
    errors: ['invalid_code', 'already_member', 'seat_limit_reached', 'too_many_attempts'],
  },
  {
    method: 'put',
    path: templatePath,
    operationId: 'putEmailTemplate',
    tag: 'Email templates',
    summary: "Save the workspace's own version of an email in one language",
    description:
      'Handlebars sources for the subject, HTML and plain text, with the same variables as the shipped templates. ' +
      'A source that does not compile is refused with the part and the line.',
    params: templateParams,
    body: emailTemplateSchema,
    answers: [{ status: 200, description: 'Saved', schema: emailTemplateViewSchema }],
    errors: [...inWorkspace, 'template_invalid'],
  },
  {
    method: 'get',
    path: templatePath,
    operationId: 'getEmailTemplate',
    tag: 'Email templates',
    summary: "The workspace's own version of an email in one language",
    params: templateParams,
    answers: [{ status: 200, description: 'The template', schema: emailTemplateViewSchema }],
    errors: [...inWorkspace, 'template_not_found'],
  },
  {
    method: 'delete',
    path: templatePath,
    operationId: 'deleteEmailTemplate',
    tag: 'Email templates',
    summary: 'Go back to the shipped template in that language',
    params: templateParams,
    answers: [{ status: 204, description: 'Removed' }],
    errors: [...inWorkspace, 'template_not_found'],
  },
  {
    method: 'post',
    path: `${workspacePath}/templates/:name/preview`,
    operationId: 'previewEmailTemplate',
    tag: 'Email templates',
    summary: 'Render an email with sample data',
    description: 'What would be sent in `locale` (default: the workspace locale), or a `draft` before it is saved.',
    params: { ws: workspaceIdSchema, name: templatePathSchema.shape.name },
    body: previewTemplateSchema,
    answers: [{ status: 200, description: 'The rendered email', schema: renderedEmailSchema }],
    errors: [...inWorkspace, 'template_invalid'],
  },
  {
    method: 'post',
    path: '/v1/webhook-endpoints',
    operationId: 'createWebhookEndpoint',
    tag: 'Webhook endpoints',
    summary: 'Subscribe a URL to events',
    description: 'A platform-wide endpoint (`workspaceId: null`) needs a platform API key.',
    body: createWebhookEndpointSchema,
    answers: [{ status: 201, description: 'Created, with its signing secret', schema: createdWebhookEndpointSchema }],
    errors: ['forbidden', ...inWorkspace, 'webhook_target_not_allowed'],
  },
  {
    method: 'get',
    path: '/v1/webhook-endpoints',
    operationId: 'listWebhookEndpoints',
    tag: 'Webhook endpoints',
    summary: 'List the endpoints the API key may see',
    answers: [{ status: 200, description: 'All of them', schema: webhookEndpointPageSchema }],
    errors: [],
  },
  {
    method: 'get',
    path: '/v1/webhook-endpoints/:id',
    operationId: 'getWebhookEndpoint',
    tag: 'Webhook endpoints',
    summary: 'Get a webhook endpoint',
    answers: [{ status: 200, description: 'The endpoint', schema: webhookEndpointViewSchema }],
    errors: ofEndpoint,
  },
  {
    method: 'delete',
    path: '/v1/webhook-endpoints/:id',
    operationId: 'deleteWebhookEndpoint',
    tag: 'Webhook endpoints',
    summary: 'Delete a webhook endpoint',
    answers: [{ status: 204, description: 'Deleted' }],
    errors: ofEndpoint,
  },
  {
    method: 'patch',
    path: '/v1/webhook-endpoints/:id',
    operationId: 'updateWebhookEndpoint',
    tag: 'Webhook endpoints',
    summary: 'Change, disable or re-enable a webhook endpoint',
    description:
      'An endpoint that answered 410 or failed for three days is disabled and receives nothing until ' +
      '`{"disabled": false}`. A new `url` is checked like on creation.',
    body: updateWebhookEndpointSchema,
    answers: [{ status: 200, description: 'The endpoint', schema: webhookEndpointViewSchema }],
    errors: [...ofEndpoint, 'webhook_target_not_allowed'],
  },
  {
    method: 'post',
    path: '/v1/webhook-endpoints/:id/rotate-secret',
    operationId: 'rotateWebhookSecret',
    tag: 'Webhook endpoints',
    summary: "Rotate an endpoint's signing secret",
    description:
      'For `graceSeconds` (default a day, at most 7 days) every message carries two signatures, ' +
      '`v1,<new> v1,<old>`, so consumers holding either secret verify; then only the new one.',
    body: rotateWebhookSecretSchema,
    answers: [{ status: 200, description: 'The endpoint, with its new secret', schema: rotatedWebhookEndpointSchema }],
    errors: ofEndpoint,
  },
  {
    method: 'post',
    path: '/v1/webhook-endpoints/:id/deliveries/:deliveryId/replay',
    operationId: 'replayWebhookDelivery',
    tag: 'Webhook endpoints',
    summary: 'Deliver a message again',
    description: 'The same body with the same `webhook-id`, on the retry schedule; its new attempts are logged.',
    answers: [{ status: 202, description: 'Being delivered', schema: webhookDeliverySchema }],
    errors: [...ofEndpoint, 'webhook_delivery_not_found', 'webhook_endpoint_disabled', 'webhook_delivery_in_progress'],
  },
  {
    method: 'post',
    path: '/v1/webhook-endpoints/:id/replay',
    operationId: 'replayWebhookDeliveries',
    tag: 'Webhook endpoints',
    summary: 'Deliver every failed message since a time again',
    description: 'Messages being delivered right now are left to their run.',
    body: replayWebhookDeliveriesSchema,
    answers: [{ status: 202, description: 'How many are being delivered again', schema: replayedDeliveriesSchema }],
    errors: [...ofEndpoint, 'webhook_endpoint_disabled'],
  },
  {
    method: 'get',
    path: '/v1/webhook-endpoints/:id/deliveries',
    operationId: 'listWebhookDeliveries',
    tag: 'Webhook endpoints',
    summary: "List an endpoint's recent deliveries, with their attempts",
    query: listWebhookDeliveriesQuery,
    answers: [{ status: 200, description: 'The newest deliveries first', schema: webhookDeliveryPageSchema }],
    errors: ofEndpoint,
  },
  {
    method: 'post',
    path: '/v1/providers/twilio/status',
    operationId: 'twilioStatusCallback',
    tag: 'Providers',
    summary: "Twilio's status callback for an SMS",
    description:
      'The URL inviteflow gives Twilio with each SMS; not for hosts. Twilio signs each callback with the auth token ' +
      '(`X-Twilio-Signature` over this URL on PUBLIC_BASE_URL and the form fields): a wrong or missing signature is a ' +
      '403. `delivered` becomes a `delivered` event, `failed` and `undelivered` a `delivery_failed` event (and the ' +
      "workspace's fallback channel, if any); other statuses change nothing. A report Twilio repeats is recorded once.",
    query: twilioCallbackQuerySchema,
    body: twilioStatusSchema,
    form: true,
    answers: [{ status: 204, description: 'Received' }],
    errors: ['forbidden', 'not_found'],
    public: true,
  },
  ...(
    [
      ['encode', 'Encrypt payloads as the payload codec does'],
      ['decode', 'Decrypt payloads for an operator'],
    ] as const
  ).map(([action, summary]): RouteDoc => ({
    method: 'post',
    path: `/codec/${action}`,
    operationId: `codec${action === 'encode' ? 'Encode' : 'Decode'}`,
    tag: 'Operators',
    summary,
    description:
      "Temporal's remote codec protocol, for the Temporal UI (`--ui-codec-endpoint`, or its codec setting) and " +
      '`temporal ... --codec-endpoint <api>/codec --codec-auth "Bearer <key>"`: payloads as protobuf JSON, data ' +
      "and metadata in base64. Needs a platform API key, since it shows everyone's personal data. Browsers " +
      'reach it from the origins in CODEC_CORS_ORIGINS. A payload not encrypted passes through; one encrypted ' +
      'with a key this deployment does not have is a 422 naming it.',
    body: codecPayloadsSchema,
    answers: [{ status: 200, description: 'The payloads, in the same order', schema: codecPayloadsSchema }],
    errors: ['forbidden'],
  })),
  {
    method: 'get',
    path: '/healthz',
    operationId: 'liveness',
    tag: 'Health',
    summary: 'Liveness: the process answers',
    answers: [{ status: 200, description: 'Alive', schema: livenessSchema }],
    errors: [],
    public: true,
  },
  {
    method: 'get',
    path: '/readyz',
    operationId: 'readiness',
    tag: 'Health',
    summary: 'Readiness: PostgreSQL and Temporal both answer',
    answers: [
      { status: 200, description: 'Ready', schema: readinessSchema },
      { status: 503, description: 'A dependency does not answer', schema: readinessSchema },
    ],
    errors: [],
    public: true,
  },
  {
    method: 'get',
    path: '/metrics',
    operationId: 'metrics',
    tag: 'Health',
    summary: 'Prometheus metrics of this process',
    description:
      'The text exposition format: invitation transitions by type, deliveries by channel and outcome, webhook ' +
      'attempts by outcome and status class, bulk rows by outcome and still to start, HTTP latency by route and status, and, where a ' +
      'worker runs in the same process, the Temporal SDK worker metrics (`temporal_*`). No label carries an id or ' +
      'personal data. Needs a platform API key: the port faces hosts, and the figures tell how a platform uses ' +
      'inviteflow. `inviteflow worker` serves the same without a key on METRICS_PORT, an internal port.',
    answers: [{ status: 200, description: 'Metrics', media: 'text/plain' }],
    errors: ['forbidden'],
  },
];

const schemaRef = (id: string) => `#/components/schemas/${id}`;

/** A request part as the route's schema accepts it; the document's dialect already is 2020-12. */
function inputSchema(schema: z.ZodType): JsonSchema {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, { io: 'input' });
  return json;
}

function ref(schema: z.ZodType): JsonSchema {
  const id = components.get(schema)?.id;
  if (!id) throw new Error('an answer schema is missing from the components registry');
  return { $ref: schemaRef(id) };
}

function componentSchemas(): Record<string, JsonSchema> {
  const { schemas } = z.toJSONSchema(components, {
    io: 'output',
    uri: schemaRef,
    // Answers gain fields over time: `additionalProperties: false` would make strict clients break on each one.
    override: ({ jsonSchema }) => {
      if (jsonSchema.additionalProperties === false) delete jsonSchema.additionalProperties;
    },
  });
  // `$id` would be a JSON pointer, which 2020-12 forbids there; the components' keys name them.
  return Object.fromEntries(
    Object.entries(schemas).map(([id, { $schema: _dialect, $id: _id, ...json }]) => [id, json]),
  );
}

function parameters(route: RouteDoc): Parameter[] {
  const path = [...route.path.matchAll(/:(\w+)/g)].map(([, name = '']): Parameter => {
    const schema = route.params?.[name];
    return { name, in: 'path', required: true, schema: schema ? inputSchema(schema) : { type: 'string' } };
  });
  if (!route.query) return path;
  const { properties = {}, required = [] } = z.toJSONSchema(route.query, { io: 'input' });
  return [
    ...path,
    ...Object.entries(properties).map(([name, schema]): Parameter => ({
      name,
      in: 'query',
      required: required.includes(name),
      schema: schema as JsonSchema,
    })),
  ];
}

function problemAnswers(codes: ErrorCode[]): Record<string, Response> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set(codes)) byStatus.set(errorCodes[code], [...(byStatus.get(errorCodes[code]) ?? []), code]);
  return Object.fromEntries(
    [...byStatus].map(([status, list]) => [
      status,
      {
        description: `Problem: ${list.map((code) => `\`${code}\``).join(', ')}`,
        content: {
          'application/problem+json': {
            schema: { allOf: [ref(problemSchema), { properties: { code: { enum: list } } }] },
          },
        },
      },
    ]),
  );
}

function answer({ description, schema, media, headers }: Answer): Response {
  return {
    description,
    ...(headers && {
      headers: Object.fromEntries(
        Object.entries(headers).map(([name, text]) => [name, { description: text, schema: { type: 'string' } }]),
      ),
    }),
    ...(schema && { content: { 'application/json': { schema: ref(schema) } } }),
    ...(media && {
      content: {
        [media]: { schema: media === 'text/plain' ? { type: 'string' } : { type: 'string', format: 'binary' } },
      },
    }),
  };
}

function operation(route: RouteDoc): Operation {
  const validated = Boolean(route.body ?? route.query ?? route.params);
  const errors: ErrorCode[] = [
    ...(route.body ? (['malformed_request', 'payload_too_large'] as const) : []),
    ...(route.public ? [] : ['unauthorized' as const]),
    ...route.errors,
    ...(validated ? ['validation_failed' as const] : []),
    ...(route.public ? [] : (['internal_error', 'unavailable'] as const)),
  ];
  const responses = {
    ...Object.fromEntries(route.answers.map((a) => [a.status, answer(a)])),
    ...problemAnswers(errors),
  };
  const params = parameters(route);
  return {
    operationId: route.operationId,
    tags: [route.tag],
    summary: route.summary,
    ...(route.description && { description: route.description }),
    ...(route.public && { security: [] }),
    ...(params.length > 0 && { parameters: params }),
    ...(route.body && {
      // The routers read a missing body as `{}`, so it is optional when `{}` passes.
      requestBody: {
        required: !route.body.safeParse({}).success,
        content: {
          [route.form ? 'application/x-www-form-urlencoded' : 'application/json']: { schema: inputSchema(route.body) },
        },
      },
    }),
    responses: Object.fromEntries(Object.entries(responses).sort(([a], [b]) => Number(a) - Number(b))),
  };
}

function paths(): OpenApiDocument['paths'] {
  const result: OpenApiDocument['paths'] = {};
  for (const route of routes) {
    const path = route.path.replaceAll(/:(\w+)/g, '{$1}');
    result[path] = { ...result[path], [route.method]: operation(route) };
  }
  return result;
}

/** The OpenAPI 3.1 description of the HTTP API, built from the schemas the routes validate with. */
export function openApiDocument(): OpenApiDocument {
  const { version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
  return {
    openapi: '3.1.1',
    info: {
      title: 'inviteflow',
      version,
      description:
        'Headless invitation engine. Errors are `application/problem+json` (RFC 9457) with a stable `code` to match on; ' +
        'each operation lists the codes it can answer with.',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    tags: [...new Set(routes.map((route) => route.tag))].map((name) => ({ name })),
    security: [{ apiKey: [] }],
    paths: paths(),
    components: {
      schemas: componentSchemas(),
      securitySchemes: {
        apiKey: {
          type: 'http',
          scheme: 'bearer',
          description: 'A platform or workspace API key: `Authorization: Bearer <key>`',
        },
      },
    },
  };
}
