import { path, type RequestOptions, type Transport } from './http';
import type {
  JoinedMember,
  JoinWithCodeRequest,
  ListMembersQuery,
  Member,
  Page,
  RegistrationRequest,
  RegistrationResult,
  UpdateMemberRequest,
} from './types';

export function membersApi(http: Transport) {
  const listPath = (ws: string) => path`/v1/workspaces/${ws}/members`;
  const one = (ws: string, userId: string) => path`/v1/workspaces/${ws}/members/${userId}`;
  return {
    /** One page, newest first: follow `nextCursor`. */
    list: (ws: string, query: ListMembersQuery = {}) =>
      http.json<Page<Member>>({ method: 'GET', path: listPath(ws), query }),
    get: (ws: string, userId: string) => http.json<Member>({ method: 'GET', path: one(ws, userId) }),
    /** Roles, groups or status; announced as `member.updated`. */
    update: (ws: string, userId: string, body: UpdateMemberRequest) =>
      http.json<Member>({ method: 'PATCH', path: one(ws, userId), body }),
    /** Announced as `member.removed`. */
    remove: (ws: string, userId: string) => http.empty({ method: 'DELETE', path: one(ws, userId) }),
  };
}

/** A user of the host joins with a workspace's invitation code. */
export function joinApi(http: Transport) {
  return (body: JoinWithCodeRequest, options?: RequestOptions) =>
    http.json<JoinedMember>({ method: 'POST', path: '/v1/join', body, options });
}

/** A user signed up or verified a contact: the open invitations it matches are accepted for them. */
export function registrationsApi(http: Transport) {
  return {
    create: (body: RegistrationRequest, options?: RequestOptions) =>
      http.json<RegistrationResult>({ method: 'POST', path: '/v1/registrations', body, options }),
  };
}
