import type { ErrorCode } from '../domain/error-codes';
import {
  createInviteLinkSchema,
  inviteLinkListSchema,
  inviteLinkViewSchema,
  listRedemptionsQuery,
  redeemInviteLinkSchema,
  redemptionPageSchema,
  updateInviteLinkSchema,
} from '../domain/invite-link';
import { joinedMemberSchema } from '../domain/member';
import { workspaceItemParams, wsParam } from './params';
import { route } from './route';

const list = '/v1/workspaces/:ws/invite-links';
const one = `${list}/:id`;
const tag = 'Invite links';
const ofLink: ErrorCode[] = ['workspace_not_found', 'invite_link_not_found'];
const theLink = { 200: { description: 'The link', schema: inviteLinkViewSchema } } as const;

/** Shareable links many people join with, each within its limits. */
export const inviteLinkRoutes = {
  createInviteLink: route({
    method: 'post',
    path: list,
    tag,
    summary: 'Make a shareable invite link',
    description:
      'Whoever has its token joins with its roles (the workspace `defaultRole` unless given) and groups, through ' +
      '`POST /v1/invite-links/redeem`, until it reaches `maxUses`, expires, is disabled or rotated. It expires at ' +
      "`expiresAt`, at most the workspace's `linkTtlMax` from now (also the default). With `allowedEmailDomains`, " +
      'only users whose verified email is of one of them may join.',
    access: 'apiKey',
    params: wsParam,
    body: createInviteLinkSchema,
    beyondSchema: ['/expiresAt', '/roles'],
    answers: { 201: { description: 'Made', schema: inviteLinkViewSchema } },
    errors: ['workspace_not_found', 'unknown_role'],
  }),
  listInviteLinks: route({
    method: 'get',
    path: list,
    tag,
    summary: "List the workspace's invite links, oldest first",
    access: 'apiKey',
    params: wsParam,
    answers: { 200: { description: 'Every link', schema: inviteLinkListSchema } },
    errors: ['workspace_not_found'],
  }),
  getInviteLink: route({
    method: 'get',
    path: one,
    tag,
    summary: 'Get an invite link',
    access: 'apiKey',
    params: workspaceItemParams,
    answers: theLink,
    errors: ofLink,
  }),
  updateInviteLink: route({
    method: 'patch',
    path: one,
    tag,
    summary: 'Change or disable an invite link',
    description: 'Fields left out keep their value; `expiresAt` stays within `linkTtlMax` from now.',
    access: 'apiKey',
    params: workspaceItemParams,
    body: updateInviteLinkSchema,
    beyondSchema: ['/expiresAt', '/roles'],
    answers: theLink,
    errors: [...ofLink, 'unknown_role'],
  }),
  deleteInviteLink: route({
    method: 'delete',
    path: one,
    tag,
    summary: 'Delete an invite link and its redemption log',
    access: 'apiKey',
    params: workspaceItemParams,
    answers: { 204: { description: 'Deleted' } },
    errors: ofLink,
  }),
  rotateInviteLink: route({
    method: 'post',
    path: `${one}/rotate`,
    tag,
    summary: "Replace an invite link's token",
    description: 'The old token stops working at once; the new one starts with no uses and keeps the settings.',
    access: 'apiKey',
    params: workspaceItemParams,
    answers: { 200: { description: 'The link with its new token', schema: inviteLinkViewSchema } },
    errors: ofLink,
  }),
  listInviteLinkRedemptions: route({
    method: 'get',
    path: `${one}/redemptions`,
    tag,
    summary: 'Who joined with an invite link, newest first',
    description: "Each redemption's user, time and a keyed hash of the visitor's address.",
    access: 'apiKey',
    params: workspaceItemParams,
    query: listRedemptionsQuery,
    beyondSchema: ['query.cursor'],
    answers: { 200: { description: 'One page', schema: redemptionPageSchema } },
    errors: ofLink,
  }),
  getInviteLinkQrSvg: route({
    method: 'get',
    path: `${one}/qr.svg`,
    tag,
    summary: "The link's URL as a QR code (SVG)",
    description:
      "It encodes the link's `url`: a workspace without a `linkUrl` has none to encode (409 `link_url_not_set`).",
    access: 'apiKey',
    params: workspaceItemParams,
    answers: { 200: { description: 'The QR code', media: 'image/svg+xml' } },
    errors: [...ofLink, 'link_url_not_set'],
  }),
  redeemInviteLink: route({
    method: 'post',
    path: '/v1/invite-links/redeem',
    tag,
    summary: 'Join a workspace with a shareable invite link, as a user of the host',
    description:
      "The user becomes an active member with the link's roles and groups (`joinedVia: link`), within the " +
      "workspace's `seatLimit`, announced by `member.joined` with the link's id. A wrong, disabled, expired, " +
      "used-up or rotated token, or one of another workspace than a workspace API key's, is `invalid_link` " +
      'whatever the reason; a link for some email domains refuses others with `email_domain_not_allowed`. Failed ' +
      'attempts are capped like wrong workspace codes: past a cap, 429 `too_many_attempts` with `Retry-After`.',
    access: 'apiKey',
    visitor: true,
    body: redeemInviteLinkSchema,
    answers: { 201: { description: 'Joined: the user is now a member', schema: joinedMemberSchema } },
    errors: ['invalid_link', 'email_domain_not_allowed', 'already_member', 'seat_limit_reached', 'too_many_attempts'],
  }),
};
