import type { ErrorCode } from '../domain/error-codes';
import {
  changeInvitationSchema,
  createInvitationSchema,
  invitationActionSchema,
  invitationDecisionSchema,
  listInvitationsQuerySchema,
} from '../domain/invitation-input';
import { invitationLinkSchema, invitationPageSchema, invitationViewSchema } from '../domain/invitation-view';
import { printInvitationQuerySchema } from '../domain/print-query';
import { workspaceItemParams, wsParam } from './params';
import { refusals } from './refusals';
import { route } from './route';

const list = '/v1/workspaces/:ws/invitations';
const one = '/v1/workspaces/:ws/invitations/:id';
// Another workspace looks to a workspace key exactly as a missing one does.
const ofInvitation: ErrorCode[] = ['workspace_not_found', 'invitation_not_found'];
const changed = { 200: { description: 'The invitation after the change', schema: invitationViewSchema } } as const;
const asInviter: ErrorCode[] = ['inviter_not_allowed', 'role_not_grantable', 'unknown_role'];

const qr = (format: 'png' | 'svg') =>
  route({
    method: 'get',
    path: `${one}/qr.${format}`,
    tag: 'Invitations',
    summary: `The invitation link as a QR code (${format.toUpperCase()})`,
    description: 'To show on screen or print, for invitees to scan. It encodes the same link as `.../link`.',
    access: 'apiKey',
    params: workspaceItemParams,
    answers: {
      200: { description: 'The QR code', media: format === 'png' ? 'image/png' : 'image/svg+xml' },
    },
    errors: ofInvitation,
  });

export const invitationRoutes = {
  createInvitation: route({
    method: 'post',
    path: list,
    tag: 'Invitations',
    summary: 'Invite someone',
    description:
      'The invitee needs at least one of email, phone or userId, and the contact of each channel used. ' +
      'Roles, channels and expiry default to the workspace settings; the inviter must hold one of its inviter roles ' +
      'and may grant only the roles its grants allow. Inviting someone who already has an open invitation answers ' +
      'that one. An `Idempotency-Key` header makes retries safe. With `allowInviteRequests`, an inviter without an ' +
      'inviter role creates a `requested` invitation for an inviter to approve instead of being refused. ' +
      "Past one of the workspace's daily `caps`, 429 `invitation_cap_reached` with `Retry-After`; past its " +
      '`openInvitations` cap, 409 `open_invitations_cap_reached`. With `membership`, the invitee becomes a guest ' +
      'whose membership ends (`member.expiring`, then `member.expired` when it is disabled), with a `sponsor`. ' +
      'An email address that bounced for good or complained in this workspace (as its email provider reported) ' +
      'answers 422 `address_suppressed` unless `force` is true.',
    access: 'apiKey',
    params: wsParam,
    body: createInvitationSchema,
    beyondSchema: ['/invitee/phone', '/invitee/email', '/expiresIn', '/membership/expiresIn'],
    answers: {
      201: {
        description: 'Created',
        schema: invitationViewSchema,
        headers: { Location: 'The URL of the new invitation' },
      },
      200: {
        description: 'The person already has an open invitation in this workspace: that one',
        schema: invitationViewSchema,
        headers: { Location: 'The URL of the open invitation' },
      },
    },
    errors: [
      'workspace_not_found',
      ...asInviter,
      'channel_unavailable',
      'seat_limit_reached',
      'invitation_cap_reached',
      'open_invitations_cap_reached',
      'address_suppressed',
      'idempotency_key_reused',
      'idempotency_key_in_use',
    ],
  }),
  listInvitations: route({
    method: 'get',
    path: list,
    tag: 'Invitations',
    summary: 'List invitations, newest first',
    description: 'Without their history. Follow `nextCursor` for the next page.',
    access: 'apiKey',
    params: wsParam,
    query: listInvitationsQuerySchema,
    beyondSchema: ['query.cursor', 'query.phone'],
    answers: { 200: { description: 'One page', schema: invitationPageSchema } },
    errors: ['workspace_not_found'],
  }),
  getInvitation: route({
    method: 'get',
    path: one,
    tag: 'Invitations',
    summary: 'Get an invitation with its history',
    access: 'apiKey',
    params: workspaceItemParams,
    answers: { 200: { description: 'The invitation', schema: invitationViewSchema } },
    errors: ofInvitation,
  }),
  changeInvitation: route({
    method: 'patch',
    path: one,
    tag: 'Invitations',
    summary: "Change an invitation's roles or groups before acceptance",
    description:
      'Fields left out keep their value; roles must be workspace roles. A change of roles names who makes it ' +
      '(`changer`), who is held to `inviterRoles` and `grants` as an inviter is. A real change is announced as ' +
      '`invitation.changed`; the member who accepts gets the latest roles and groups.',
    access: 'apiKey',
    params: workspaceItemParams,
    body: changeInvitationSchema,
    answers: changed,
    errors: [...ofInvitation, ...asInviter, ...refusals('change')],
  }),
  getInvitationLink: route({
    method: 'get',
    path: `${one}/link`,
    tag: 'Invitations',
    summary: 'Get the link an invitee accepts with',
    description: 'For hosts that deliver invitations themselves, or share the link by hand.',
    access: 'apiKey',
    params: workspaceItemParams,
    answers: { 200: { description: 'The link', schema: invitationLinkSchema } },
    errors: ofInvitation,
  }),
  getInvitationQrPng: qr('png'),
  getInvitationQrSvg: qr('svg'),
  printInvitation: route({
    method: 'get',
    path: `${one}/print.pdf`,
    tag: 'Invitations',
    summary: 'A paper invitation to print (PDF)',
    description:
      'One page for invitees reached neither by email nor by phone: who invites them to which workspace, how to ' +
      "install or open the host's app (the workspace's `app` setting; without one, to scan the code with the phone's " +
      "camera), the QR code and the text of the same link as `.../link`, and the expiry. In the invitation's locale, " +
      "else the workspace's, else English.",
    access: 'apiKey',
    params: workspaceItemParams,
    query: printInvitationQuerySchema,
    answers: {
      200: {
        description: 'The invitation, one page',
        media: 'application/pdf',
        headers: { 'Content-Disposition': '`inline; filename="invitation-<id>.pdf"`' },
      },
    },
    errors: ofInvitation,
  }),
  sendInvitation: route({
    method: 'post',
    path: `${one}/send`,
    tag: 'Invitations',
    summary: 'Send a registered invitation',
    description: 'Starts its expiry clock.',
    access: 'apiKey',
    params: workspaceItemParams,
    body: invitationActionSchema,
    answers: changed,
    errors: [...ofInvitation, ...refusals('send')],
  }),
  resendInvitation: route({
    method: 'post',
    path: `${one}/resend`,
    tag: 'Invitations',
    summary: 'Send a pending or expired invitation again',
    description:
      "Restarts its expiry clock from now. An expired invitation takes its seat and its person's place back: " +
      '409 `seat_limit_reached` when the workspace is full, 409 `already_invited` when the person was invited again since, ' +
      "409 `open_invitations_cap_reached` past the workspace's cap on open invitations.",
    access: 'apiKey',
    params: workspaceItemParams,
    body: invitationActionSchema,
    answers: changed,
    errors: [
      ...ofInvitation,
      ...refusals('resend'),
      'seat_limit_reached',
      'already_invited',
      'open_invitations_cap_reached',
    ],
  }),
  revokeInvitation: route({
    method: 'post',
    path: `${one}/revoke`,
    tag: 'Invitations',
    summary: 'Revoke an invitation',
    description: 'Its link stops working at once.',
    access: 'apiKey',
    params: workspaceItemParams,
    body: invitationActionSchema,
    answers: changed,
    errors: [...ofInvitation, ...refusals('revoke')],
  }),
  approveInvitation: route({
    method: 'post',
    path: `${one}/approve`,
    tag: 'Invitations',
    summary: "Approve a member's invite request",
    description:
      'The approver is held to the same policy as an inviter. The invitation is sent (`invitation.sent`, by the approver).',
    access: 'apiKey',
    params: workspaceItemParams,
    body: invitationDecisionSchema,
    answers: changed,
    errors: [...ofInvitation, ...refusals('approve'), ...asInviter],
  }),
  rejectInvitation: route({
    method: 'post',
    path: `${one}/reject`,
    tag: 'Invitations',
    summary: "Reject a member's invite request",
    description:
      'The approver is held to the same policy as an inviter. The invitation ends as `revoked` (`invitation.rejected`).',
    access: 'apiKey',
    params: workspaceItemParams,
    body: invitationDecisionSchema,
    answers: changed,
    errors: [...ofInvitation, ...refusals('reject'), ...asInviter],
  }),
  eraseInvitee: route({
    method: 'delete',
    path: `${one}/personal-data`,
    tag: 'Invitations',
    summary: "Erase the invitee's email, phone and name",
    description:
      'The right to erasure: the invitation keeps its status and dates; its email, phone and name are removed from ' +
      'the workflow state, the projection, queued webhooks and kept Idempotency-Key answers, and `invitee.erased` is ' +
      'sent. Works whatever the status; asking again changes nothing.',
    access: 'apiKey',
    params: workspaceItemParams,
    query: invitationActionSchema,
    answers: { 200: { description: 'The invitation, erased', schema: invitationViewSchema } },
    errors: ofInvitation,
  }),
};
