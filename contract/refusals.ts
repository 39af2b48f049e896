import { RuleViolation, type ErrorCode } from '../domain/error-codes';
import {
  checkCommand,
  createInvitation,
  deadLinkRefusals,
  invitationStatuses,
  type InvitationCommand,
} from '../domain/invitation';

type HostCommand = Exclude<
  InvitationCommand['type'],
  'expire' | 'remind' | 'request' | 'failDelivery' | 'reportDelivery'
>;

/**
 * The codes an invitation command is refused with, asked of the domain's
 * rules so the contract follows them. The sample is past its expiry, which
 * accept and decline refuse whatever the status says, and was last sent just
 * now, which a resend refuses.
 */
export function refusals(type: HostCommand): ErrorCode[] {
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

/** What a link the invitee can still use may be refused for: dead links answer `invalid_token` instead. */
export function liveLinkRefusals(type: 'accept' | 'decline'): ErrorCode[] {
  return refusals(type).filter((code) => !deadLinkRefusals.includes(code));
}
