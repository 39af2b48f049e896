import { path, type RequestOptions, type Transport } from './http';
import type {
  CreateInviteLinkRequest,
  InviteLink,
  InviteLinkRedemption,
  JoinedMember,
  ListRedemptionsQuery,
  Page,
  RedeemInviteLinkRequest,
  UpdateInviteLinkRequest,
} from './types';

/** A workspace's shareable invite links, and joining with one as a user of the host. */
export function inviteLinksApi(http: Transport) {
  const listPath = (ws: string) => path`/v1/workspaces/${ws}/invite-links`;
  const one = (ws: string, id: string) => path`/v1/workspaces/${ws}/invite-links/${id}`;
  return {
    create: (ws: string, body: CreateInviteLinkRequest = {}, options?: RequestOptions) =>
      http.json<InviteLink>({ method: 'POST', path: listPath(ws), body, options }),
    list: (ws: string) => http.json<{ data: InviteLink[]; nextCursor: null }>({ method: 'GET', path: listPath(ws) }),
    get: (ws: string, id: string) => http.json<InviteLink>({ method: 'GET', path: one(ws, id) }),
    /** Fields left out keep their value; `disabled: true` stops the link. */
    update: (ws: string, id: string, body: UpdateInviteLinkRequest) =>
      http.json<InviteLink>({ method: 'PATCH', path: one(ws, id), body }),
    /** A new token; the old one stops at once. */
    rotate: (ws: string, id: string) => http.json<InviteLink>({ method: 'POST', path: `${one(ws, id)}/rotate` }),
    delete: (ws: string, id: string) => http.empty({ method: 'DELETE', path: one(ws, id) }),
    /** Who joined with the link, newest first: follow `nextCursor`. */
    redemptions: (ws: string, id: string, query: ListRedemptionsQuery = {}) =>
      http.json<Page<InviteLinkRedemption>>({ method: 'GET', path: `${one(ws, id)}/redemptions`, query }),
    redeem: (body: RedeemInviteLinkRequest, options?: RequestOptions) =>
      http.json<JoinedMember>({ method: 'POST', path: '/v1/invite-links/redeem', body, options }),
  };
}
