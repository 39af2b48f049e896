import { path, type RequestOptions, type Transport } from './http';
import type {
  AcceptedInvitation,
  AcceptInvitationRequest,
  BulkCsvQuery,
  BulkImport,
  BulkImportRequest,
  BulkImportSummary,
  ChangeInvitationRequest,
  CreateInvitationRequest,
  DeclinedInvitation,
  DeclineInvitationRequest,
  Invitation,
  InvitationActionRequest,
  InvitationDecisionRequest,
  InvitationLink,
  InvitationLookup,
  ListInvitationsQuery,
  Page,
  PrintInvitationQuery,
} from './types';

export function invitationsApi(http: Transport) {
  const listPath = (ws: string) => path`/v1/workspaces/${ws}/invitations`;
  const one = (ws: string, id: string) => path`/v1/workspaces/${ws}/invitations/${id}`;
  const action =
    (name: 'send' | 'resend' | 'revoke') =>
    (ws: string, id: string, body: InvitationActionRequest = {}, options?: RequestOptions) =>
      http.json<Invitation>({ method: 'POST', path: `${one(ws, id)}/${name}`, body, options });
  const decision =
    (name: 'approve' | 'reject') =>
    (ws: string, id: string, body: InvitationDecisionRequest, options?: RequestOptions) =>
      http.json<Invitation>({ method: 'POST', path: `${one(ws, id)}/${name}`, body, options });

  return {
    /** Invite someone; a person with an open invitation in the workspace gets that one back. */
    create: (ws: string, body: CreateInvitationRequest, options?: RequestOptions) =>
      http.json<Invitation>({ method: 'POST', path: listPath(ws), body, options }),
    /** One page, newest first, without history: follow `nextCursor`. */
    list: (ws: string, query: ListInvitationsQuery = {}) =>
      http.json<Page<Invitation>>({ method: 'GET', path: listPath(ws), query }),
    get: (ws: string, id: string) => http.json<Invitation>({ method: 'GET', path: one(ws, id) }),
    /** Roles or groups, before acceptance. */
    change: (ws: string, id: string, body: ChangeInvitationRequest) =>
      http.json<Invitation>({ method: 'PATCH', path: one(ws, id), body }),
    send: action('send'),
    resend: action('resend'),
    revoke: action('revoke'),
    approve: decision('approve'),
    reject: decision('reject'),
    /** The invitee's right to erasure: email, phone and name go; the invitation stays. */
    erasePersonalData: (ws: string, id: string, query: InvitationActionRequest = {}) =>
      http.json<Invitation>({ method: 'DELETE', path: `${one(ws, id)}/personal-data`, query }),
    link: (ws: string, id: string) => http.json<InvitationLink>({ method: 'GET', path: `${one(ws, id)}/link` }),
    qrPng: (ws: string, id: string) => http.bytes({ method: 'GET', path: `${one(ws, id)}/qr.png` }),
    /** SVG text, as UTF-8 bytes. */
    qrSvg: (ws: string, id: string) => http.bytes({ method: 'GET', path: `${one(ws, id)}/qr.svg` }),
    printPdf: (ws: string, id: string, query: PrintInvitationQuery = {}) =>
      http.bytes({ method: 'GET', path: `${one(ws, id)}/print.pdf`, query: { ...query } }),

    // The invitee's side, with the token of the link.
    /** What the invitee is invited to; never consumes the token. */
    lookup: (token: string, options?: Pick<RequestOptions, 'visitorAddress'>) =>
      http.json<InvitationLookup>({ method: 'GET', path: '/v1/invitations/lookup', query: { token }, options }),
    accept: (body: AcceptInvitationRequest, options?: RequestOptions) =>
      http.json<AcceptedInvitation>({ method: 'POST', path: '/v1/invitations/accept', body, options }),
    decline: (body: DeclineInvitationRequest, options?: RequestOptions) =>
      http.json<DeclinedInvitation>({ method: 'POST', path: '/v1/invitations/decline', body, options }),
  };
}

/** Many invitations at once: a pasted list or entries as JSON, or a CSV file. */
export function bulkApi(http: Transport) {
  const bulkPath = (ws: string) => path`/v1/workspaces/${ws}/invitations/bulk`;
  return {
    create: (ws: string, body: BulkImportRequest, options?: RequestOptions) =>
      http.json<BulkImport>({ method: 'POST', path: bulkPath(ws), body, options }),
    /** A CSV file with a header row (`email`, `phone`, `name`, `roles`, `groups`); the settings go in the query. */
    createFromCsv: (ws: string, csv: string, query: BulkCsvQuery, options?: RequestOptions) =>
      http.json<BulkImport>({
        method: 'POST',
        path: bulkPath(ws),
        query: { ...query },
        text: { content: csv, type: 'text/csv; charset=utf-8' },
        options,
      }),
    get: (ws: string, id: string) => http.json<BulkImport>({ method: 'GET', path: `${bulkPath(ws)}/${path`${id}`}` }),
    cancel: (ws: string, id: string, options?: RequestOptions) =>
      http.json<BulkImportSummary>({ method: 'POST', path: `${bulkPath(ws)}/${path`${id}`}/cancel`, options }),
  };
}
