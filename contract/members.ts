import type { ErrorCode } from '../domain/error-codes';
import { memberPageSchema, memberViewSchema } from '../domain/member';
import { listMembersQuerySchema, updateMemberSchema } from '../domain/member-input';
import { memberParams, wsParam } from './params';
import { route } from './route';

const list = '/v1/workspaces/:ws/members';
const one = '/v1/workspaces/:ws/members/:userId';
const ofMember: ErrorCode[] = ['workspace_not_found', 'member_not_found'];

export const memberRoutes = {
  listMembers: route({
    method: 'get',
    path: list,
    tag: 'Members',
    summary: 'List members, newest first',
    description:
      '`role` and `group` match members holding that role or in that group. Follow `nextCursor` for the next page.',
    access: 'apiKey',
    params: wsParam,
    query: listMembersQuerySchema,
    beyondSchema: ['query.cursor'],
    answers: { 200: { description: 'One page', schema: memberPageSchema } },
    errors: ['workspace_not_found'],
  }),
  getMember: route({
    method: 'get',
    path: one,
    tag: 'Members',
    summary: 'Get a member',
    access: 'apiKey',
    params: memberParams,
    answers: { 200: { description: 'The member', schema: memberViewSchema } },
    errors: ofMember,
  }),
  updateMember: route({
    method: 'patch',
    path: one,
    tag: 'Members',
    summary: "Change a member's roles, groups, status or membership end",
    description:
      'Fields left out keep their value; roles must be workspace roles. A real change is announced as ' +
      '`member.updated` with each changed field before and after; a patch that changes nothing announces nothing. ' +
      'Disabling a member is the moment to end their sessions; enabling one again takes a seat (409 ' +
      '`seat_limit_reached` when the workspace is full). `expiresAt` renews or ends a guest membership (a time in ' +
      'the past ends it now, `member.expired`); `null` makes it last.',
    access: 'apiKey',
    params: memberParams,
    body: updateMemberSchema,
    answers: { 200: { description: 'The member after the change', schema: memberViewSchema } },
    errors: [...ofMember, 'unknown_role', 'seat_limit_reached'],
  }),
  removeMember: route({
    method: 'delete',
    path: one,
    tag: 'Members',
    summary: 'Remove a member from the workspace',
    description: 'Announced as `member.removed`, with the member as it was: the moment to end their sessions.',
    access: 'apiKey',
    params: memberParams,
    answers: { 204: { description: 'Removed' } },
    errors: ofMember,
  }),
};
