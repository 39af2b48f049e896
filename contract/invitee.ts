import type { ErrorCode } from '../domain/error-codes';
import {
  acceptInvitationSchema,
  declineInvitationSchema,
  lookupInvitationQuerySchema,
} from '../domain/invitation-input';
import { acceptedInvitationSchema, declinedInvitationSchema, invitationLookupSchema } from '../domain/invitation-view';
import { registrationResultSchema, registrationSchema } from '../domain/registration';
import { liveLinkRefusals } from './refusals';
import { route } from './route';

const tokenRefusals: ErrorCode[] = ['invalid_token', 'too_many_attempts'];
const deadLinks =
  'A token that does not verify, or whose invitation expired, was revoked or declined, gets the same 404 ' +
  '`invalid_token`; past `JOIN_ATTEMPTS_*` tries with tokens that do not verify, 429 `too_many_attempts` ' +
  'with `Retry-After`.';

/** What the invitee's side of the host calls, with the token of the link or when a user signs up. */
export const inviteeRoutes = {
  lookupInvitation: route({
    method: 'get',
    path: '/v1/invitations/lookup',
    tag: 'Invitee',
    summary: 'Look an invitation up by the token of its link',
    description: `Never consumes the token, so link previews and mail scanners are harmless. ${deadLinks}`,
    access: 'apiKey',
    visitor: true,
    query: lookupInvitationQuerySchema,
    answers: { 200: { description: 'What the invitee is invited to', schema: invitationLookupSchema } },
    errors: tokenRefusals,
  }),
  acceptInvitation: route({
    method: 'post',
    path: '/v1/invitations/accept',
    tag: 'Invitee',
    summary: 'Accept an invitation as a user of the host',
    description: deadLinks,
    access: 'apiKey',
    visitor: true,
    body: acceptInvitationSchema,
    answers: {
      200: {
        description: 'Accepted: the member, as it is now (a repeated acceptance finds it disabled, if it was)',
        schema: acceptedInvitationSchema,
      },
    },
    errors: [...tokenRefusals, ...liveLinkRefusals('accept'), 'wrong_account', 'email_mismatch', 'already_member'],
  }),
  declineInvitation: route({
    method: 'post',
    path: '/v1/invitations/decline',
    tag: 'Invitee',
    summary: 'Decline an invitation',
    description: deadLinks,
    access: 'apiKey',
    visitor: true,
    body: declineInvitationSchema,
    answers: { 200: { description: 'Declined', schema: declinedInvitationSchema } },
    errors: [...tokenRefusals, ...liveLinkRefusals('decline'), 'wrong_account'],
  }),
  registerUser: route({
    method: 'post',
    path: '/v1/registrations',
    tag: 'Invitee',
    summary: 'A user signed up or verified a contact: accept the invitations it matches',
    description:
      "Call it at sign-up and whenever the host verifies a user's email or phone. Open invitations (registered or " +
      'pending) in every workspace the key covers are matched, oldest first: by phone when the invitee consented ' +
      '(`invitee.phoneConsent`) and `phoneVerified` is true, by email (case-insensitively) when `emailVerified` is ' +
      'true. Each match is accepted for the user (`invitation.accepted` with `method`, `member.joined` with ' +
      '`joinedVia: "match"`); after that, the link lets nobody else in. Invitations that could not be accepted are ' +
      'listed under `skipped` with the code of the reason, under the same rules as an accept: `wrong_account` for ' +
      'one made for another account, `email_mismatch`, `already_member`. Then, with `emailVerified`, every ' +
      'workspace whose `autoJoin` lists the email\'s domain is joined (`member.joined` with `joinedVia: "domain"`) ' +
      'or asked to join (a `requested` invitation, `invitation.requested`, for an inviter to approve), under the ' +
      'seat limit: `domainJoins` says what came of each.',
    access: 'apiKey',
    body: registrationSchema,
    beyondSchema: ['/phone'],
    answers: { 200: { description: 'What was matched and accepted', schema: registrationResultSchema } },
    errors: [],
  }),
};
