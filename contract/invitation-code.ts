import { invitationCodeViewSchema, joinWithCodeSchema, updateInvitationCodeSchema } from '../domain/invitation-code';
import { joinedMemberSchema } from '../domain/member';
import { wsParam } from './params';
import { route } from './route';

const code = '/v1/workspaces/:ws/invitation-code';
const theCode = { 200: { description: 'The code and its settings', schema: invitationCodeViewSchema } } as const;

export const invitationCodeRoutes = {
  getInvitationCode: route({
    method: 'get',
    path: code,
    tag: 'Invitation code',
    summary: "Get the workspace's invitation code",
    description:
      'Made on first read, so every workspace has one: 8 characters without look-alikes (no 0/O, 1/I/L), at least ' +
      'one a digit. Whoever has it joins with `POST /v1/join`.',
    access: 'apiKey',
    params: wsParam,
    answers: theCode,
    errors: ['workspace_not_found'],
  }),
  rotateInvitationCode: route({
    method: 'post',
    path: `${code}/rotate`,
    tag: 'Invitation code',
    summary: 'Replace the code with a new one',
    description:
      'The old code stops working at once; the new one starts with no uses and keeps the settings. Invitations ' +
      'already sent are not affected.',
    access: 'apiKey',
    params: wsParam,
    answers: { 200: { description: 'The new code', schema: invitationCodeViewSchema } },
    errors: ['workspace_not_found'],
  }),
  putInvitationCode: route({
    method: 'put',
    path: code,
    tag: 'Invitation code',
    summary: 'Choose the code, or change its settings',
    description:
      'Fields left out keep their value. A chosen code may use any letters and digits; a different code starts ' +
      'with no uses. A code another workspace holds is a 422 naming `/code`, and counts as a failed join attempt ' +
      '(429 `too_many_attempts` with `Retry-After` past the cap).',
    access: 'apiKey',
    visitor: true,
    params: wsParam,
    body: updateInvitationCodeSchema,
    beyondSchema: ['/code'],
    answers: theCode,
    errors: ['workspace_not_found', 'too_many_attempts'],
  }),
  joinWithCode: route({
    method: 'post',
    path: '/v1/join',
    tag: 'Invitation code',
    summary: 'Join a workspace with its invitation code, as a user of the host',
    description:
      "The user becomes an active member with the workspace's `codeJoinRole` (`joinedVia: code`), within its " +
      '`seatLimit`, announced by `member.joined`. A wrong, disabled, expired or used-up code, or one of another ' +
      "workspace than a workspace API key's, is `invalid_code` whatever the reason. Failed attempts are capped per " +
      'client IP, per user and in all within a sliding window; past a cap every attempt, even with the right code, ' +
      'is a 429 `too_many_attempts` with `Retry-After` in seconds.',
    access: 'apiKey',
    visitor: true,
    body: joinWithCodeSchema,
    answers: { 201: { description: 'Joined: the user is now a member', schema: joinedMemberSchema } },
    errors: ['invalid_code', 'already_member', 'seat_limit_reached', 'too_many_attempts'],
  }),
};
