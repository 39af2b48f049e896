import { RuleViolation, type ErrorCode } from '../../../domain/error-codes';
import { DAY, HOUR } from '../../../domain/duration';
import {
  checkCommand,
  finalStatuses,
  invitationStatuses,
  hasExpired,
  isDeadLink,
  isFinal,
  lastEvent,
  refusal,
  transition,
  type InvitationCommand,
  type InvitationState,
  type InvitationStatus,
} from '../../../domain/invitation';
import {
  at,
  iso,
  TTL,
  SENT_AT,
  EXPIRES_AT,
  registered,
  pending,
  stateIn,
  deepFreeze,
} from '../../support/invitation-states';
import { violationOf } from '../../support/thrown';

// Accepts come from someone other than whoever accepted the `accepted` state: a repeat by the same user is a no-op.
function commandOf(type: InvitationCommand['type']): InvitationCommand {
  if (type === 'accept') return { type, userId: 'user-eve' };
  // A change to roles the fixtures do not have, so that it is recorded.
  if (type === 'change') return { type, roles: ['admin'], by: 'user-bob' };
  if (type === 'failDelivery')
    return { type, channel: 'email', reason: 'SMTP refused the invitation email with reply 550' };
  if (type === 'reportDelivery') return { type, channel: 'sms', messageId: `SM${'1'.repeat(32)}`, delivered: true };
  return type === 'expire' || type === 'remind' ? { type } : { type, by: 'user-bob' };
}

describe('isFinal', () => {
  test.each([
    ['accepted', true],
    ['declined', true],
    ['revoked', true],
    ['requested', false],
    ['registered', false],
    ['pending', false],
    // A resend brings an expired invitation back, so expired is not final.
    ['expired', false],
  ] as const)('%s → %s', (status, final) => {
    expect(isFinal(status)).toBe(final);
  });

  test('finalStatuses lists exactly accepted, declined and revoked', () => {
    expect([...finalStatuses].sort()).toEqual(['accepted', 'declined', 'revoked']);
  });
});

describe('isDeadLink', () => {
  const now = new Date('2026-11-22T12:00:00Z');
  const later = '2026-11-23T12:00:00Z';
  const earlier = '2026-11-21T12:00:00Z';

  test.each([
    ['expired', earlier, true],
    ['declined', later, true],
    ['revoked', later, true],
    // Past its expiry, a pending link is dead before the expiry timer has fired.
    ['pending', earlier, true],
    ['pending', later, false],
    ['registered', null, false],
    ['requested', null, false],
    // An accepted link still says "already accepted".
    ['accepted', earlier, false],
  ] as const)('%s, expiring %s → %s', (status, expiresAt, dead) => {
    expect(isDeadLink({ status, expiresAt }, now)).toBe(dead);
  });

  test('at the very instant of expiry the link is dead', () => {
    expect(isDeadLink({ status: 'pending', expiresAt: now.toISOString() }, now)).toBe(true);
  });

  test.each([
    ['expired', earlier, true],
    ['pending', earlier, true],
    ['pending', later, false],
    // Dead, but not for its age: the page suggests a new invitation only to those that expired.
    ['declined', earlier, false],
    ['revoked', earlier, false],
    ['accepted', earlier, false],
  ] as const)('hasExpired: %s, expiring %s → %s', (status, expiresAt, expired) => {
    expect(hasExpired({ status, expiresAt }, now)).toBe(expired);
  });
});

describe('transition: the full status × command table', () => {
  // What each command does from each status. `expire` is tried at the expiry
  // instant (so it can apply); the other commands before a pending invitation's expiry.
  // `remind` has no reminder due here (the fixture has none): see the reminder tests below.
  type Outcome = InvitationStatus | { refused: ErrorCode };
  const table: Record<InvitationStatus, Record<InvitationCommand['type'], Outcome>> = {
    requested: {
      send: { refused: 'invitation_not_sent' },
      resend: { refused: 'invitation_not_sent' },
      accept: { refused: 'invitation_not_sent' },
      decline: { refused: 'invitation_not_sent' },
      revoke: 'revoked',
      expire: { refused: 'invitation_not_sent' },
      remind: { refused: 'invitation_not_sent' },
      request: { refused: 'invitation_not_sent' },
      approve: 'pending',
      reject: 'revoked',
      change: 'requested',
      failDelivery: 'requested',
      reportDelivery: 'requested',
      erase: 'requested',
    },
    registered: {
      send: 'pending',
      resend: { refused: 'invitation_not_sent' },
      accept: 'accepted',
      decline: 'declined',
      revoke: 'revoked',
      expire: { refused: 'invitation_not_sent' },
      remind: { refused: 'invitation_not_sent' },
      request: 'requested',
      approve: { refused: 'invitation_not_requested' },
      reject: { refused: 'invitation_not_requested' },
      change: 'registered',
      failDelivery: 'registered',
      reportDelivery: 'registered',
      erase: 'registered',
    },
    pending: {
      send: { refused: 'invitation_already_sent' },
      resend: 'pending',
      accept: 'accepted',
      decline: 'declined',
      revoke: 'revoked',
      expire: 'expired',
      remind: { refused: 'not_due' },
      request: { refused: 'invitation_already_sent' },
      approve: { refused: 'invitation_not_requested' },
      reject: { refused: 'invitation_not_requested' },
      change: 'pending',
      failDelivery: 'pending',
      reportDelivery: 'pending',
      erase: 'pending',
    },
    accepted: {
      send: { refused: 'invitation_already_accepted' },
      resend: { refused: 'invitation_already_accepted' },
      accept: { refused: 'invitation_already_accepted' },
      decline: { refused: 'invitation_already_accepted' },
      revoke: { refused: 'invitation_already_accepted' },
      expire: { refused: 'invitation_already_accepted' },
      remind: { refused: 'invitation_already_accepted' },
      request: { refused: 'invitation_already_accepted' },
      approve: { refused: 'invitation_already_accepted' },
      reject: { refused: 'invitation_already_accepted' },
      change: { refused: 'invitation_already_accepted' },
      failDelivery: 'accepted',
      reportDelivery: 'accepted',
      erase: 'accepted',
    },
    declined: {
      send: { refused: 'invitation_declined' },
      resend: { refused: 'invitation_declined' },
      accept: { refused: 'invitation_declined' },
      decline: { refused: 'invitation_declined' },
      revoke: { refused: 'invitation_declined' },
      expire: { refused: 'invitation_declined' },
      remind: { refused: 'invitation_declined' },
      request: { refused: 'invitation_declined' },
      approve: { refused: 'invitation_declined' },
      reject: { refused: 'invitation_declined' },
      change: { refused: 'invitation_declined' },
      failDelivery: 'declined',
      reportDelivery: 'declined',
      erase: 'declined',
    },
    revoked: {
      send: { refused: 'invitation_revoked' },
      resend: { refused: 'invitation_revoked' },
      accept: { refused: 'invitation_revoked' },
      decline: { refused: 'invitation_revoked' },
      revoke: { refused: 'invitation_revoked' },
      expire: { refused: 'invitation_revoked' },
      remind: { refused: 'invitation_revoked' },
      request: { refused: 'invitation_revoked' },
      approve: { refused: 'invitation_revoked' },
      reject: { refused: 'invitation_revoked' },
      change: { refused: 'invitation_revoked' },
      failDelivery: 'revoked',
      reportDelivery: 'revoked',
      erase: 'revoked',
    },
    expired: {
      send: { refused: 'invitation_expired' },
      resend: 'pending',
      accept: { refused: 'invitation_expired' },
      decline: { refused: 'invitation_expired' },
      revoke: 'revoked',
      expire: { refused: 'invitation_expired' },
      remind: { refused: 'invitation_expired' },
      request: { refused: 'invitation_expired' },
      approve: { refused: 'invitation_not_requested' },
      reject: { refused: 'invitation_not_requested' },
      change: 'expired',
      failDelivery: 'expired',
      reportDelivery: 'expired',
      erase: 'expired',
    },
  };

  const cases = invitationStatuses.flatMap((status) =>
    (Object.keys(table[status]) as InvitationCommand['type'][]).map(
      (command) => [status, command, table[status][command]] as const,
    ),
  );

  test('covers every status and every command', () => {
    expect(cases).toHaveLength(invitationStatuses.length * 14);
  });

  test.each(cases)('%s + %s → %j', (status, type, outcome) => {
    const state = stateIn(status);
    // After the state's own history, and (but for `expire`) before a pending invitation's expiry.
    const now =
      type === 'expire' ? at(EXPIRES_AT) : status === 'expired' ? at(EXPIRES_AT + HOUR) : at(SENT_AT + 2 * HOUR);
    const command = commandOf(type);

    if (typeof outcome === 'string') {
      expect(() => checkCommand(state, command, now)).not.toThrow();
      const next = transition(state, command, now);
      expect(next.status).toBe(outcome);
      expect(next.events).toHaveLength(state.events.length + 1);
    } else {
      expect(violationOf(() => checkCommand(state, command, now)).code).toBe(outcome.refused);
      expect(violationOf(() => transition(state, command, now)).code).toBe(outcome.refused);
    }
  });
});

describe('event history', () => {
  test('a whole life gets consecutive seq numbers from 1, with the right types, times and actors', () => {
    let state = registered();
    state = transition(state, { type: 'send', by: 'user-bob' }, at(HOUR));
    state = transition(state, { type: 'expire' }, at(HOUR + TTL));
    state = transition(state, { type: 'resend', by: 'user-carol' }, at(HOUR + TTL + DAY));
    state = transition(state, { type: 'accept', userId: 'user-ana' }, at(HOUR + TTL + DAY + HOUR));

    expect(state.events).toEqual([
      { seq: 1, type: 'created', at: '2026-01-01T00:00:00.000Z', by: 'user-bob' },
      { seq: 2, type: 'sent', at: '2026-01-01T01:00:00.000Z', by: 'user-bob' },
      { seq: 3, type: 'expired', at: '2026-01-08T01:00:00.000Z', by: null },
      { seq: 4, type: 'resent', at: '2026-01-09T01:00:00.000Z', by: 'user-carol' },
      { seq: 5, type: 'accepted', at: '2026-01-09T02:00:00.000Z', by: 'user-ana' },
    ]);
    expect(state).toMatchObject({
      status: 'accepted',
      sendCount: 2,
      acceptedBy: 'user-ana',
      acceptedAt: '2026-01-09T02:00:00.000Z',
    });
  });

  test('lastEvent returns the newest event', () => {
    expect(lastEvent(pending())).toEqual({ seq: 2, type: 'sent', at: iso(SENT_AT), by: 'user-bob' });
  });

  test('lastEvent throws for a state without history, naming the invitation', () => {
    const state: InvitationState = { ...registered(), events: [] };

    expect(() => lastEvent(state)).toThrow('invitation inv_abc123 has no history');
  });
});

describe('immutability', () => {
  const commands: InvitationCommand[] = [
    { type: 'send', by: 'user-bob' },
    { type: 'resend', by: 'user-bob' },
    { type: 'accept', userId: 'user-ana' },
    { type: 'decline' },
    { type: 'revoke', by: 'user-bob' },
    { type: 'expire' },
  ];
  const starts: [InvitationStatus, number][] = [
    ['registered', HOUR],
    ['pending', SENT_AT + HOUR],
    ['pending', EXPIRES_AT],
    ['expired', EXPIRES_AT + HOUR],
  ];

  test.each(starts)('no command changes a %s input state (now = T0 + %d ms)', (status, offset) => {
    let applied = 0;
    for (const command of commands) {
      const state = deepFreeze(stateIn(status));
      const before = structuredClone(state);
      try {
        const next = transition(state, command, at(offset));
        applied += 1;
        expect(next).not.toBe(state);
        expect(next.events).not.toBe(state.events);
      } catch (error) {
        // Refusals are fine here; only a TypeError from writing to a frozen object is not.
        expect(error).toBeInstanceOf(RuleViolation);
      }
      expect(state).toEqual(before);
    }
    expect(applied).toBeGreaterThan(0);
  });

  test('the previous state keeps its own events array and status after a transition', () => {
    const before = pending();
    const after = transition(before, { type: 'accept', userId: 'user-ana' }, at(SENT_AT + HOUR));

    expect(before.status).toBe('pending');
    expect(before.events).toHaveLength(2);
    expect(before.acceptedAt).toBeNull();
    expect(after.events).toHaveLength(3);
  });

  test('checkCommand changes nothing and returns nothing when the command is allowed', () => {
    const state = deepFreeze(pending());
    const before = structuredClone(state);

    expect(checkCommand(state, { type: 'accept', userId: 'user-ana' }, at(SENT_AT + HOUR))).toBeUndefined();
    expect(state).toEqual(before);
  });
});

describe('checkCommand', () => {
  test('throws exactly what transition throws', () => {
    const state = pending();
    const command: InvitationCommand = { type: 'accept', userId: 'user-ana' };

    const fromCheck = violationOf(() => checkCommand(state, command, at(EXPIRES_AT)));
    const fromTransition = violationOf(() => transition(state, command, at(EXPIRES_AT)));

    expect(fromCheck.code).toBe('invitation_expired');
    expect(fromTransition.code).toBe(fromCheck.code);
    expect(fromTransition.message).toBe(fromCheck.message);
  });

  test('the status refusal comes before the clock: accepting an accepted invitation after expiry says already accepted', () => {
    const accepted = stateIn('accepted');

    expect(violationOf(() => checkCommand(accepted, { type: 'accept', userId: 'x' }, at(EXPIRES_AT + DAY))).code).toBe(
      'invitation_already_accepted',
    );
  });
});

describe('refusal', () => {
  test.each([
    ['accepted', 'send', 'invitation_already_accepted', 'the invitation was already accepted'],
    ['declined', 'accept', 'invitation_declined', 'the invitation was declined'],
    ['revoked', 'resend', 'invitation_revoked', 'the invitation was revoked'],
    ['expired', 'accept', 'invitation_expired', 'the invitation has expired; resend it first'],
    ['registered', 'resend', 'invitation_not_sent', 'cannot resend an invitation that was never sent; send it first'],
    ['registered', 'expire', 'invitation_not_sent', 'cannot expire an invitation that was never sent; send it first'],
    ['pending', 'send', 'invitation_already_sent', 'the invitation was already sent; resend it instead'],
    ['requested', 'accept', 'invitation_not_sent', 'cannot accept an invitation that waits for approval'],
    ['requested', 'send', 'invitation_not_sent', 'cannot send an invitation that waits for approval'],
  ] as const)('%s / %s → %s', (status, command, code, message) => {
    const violation = refusal(status, command);

    expect(violation).toBeInstanceOf(RuleViolation);
    expect(violation.name).toBe('RuleViolation');
    expect(violation.code).toBe(code);
    expect(violation.message).toBe(message);
    expect(violation.field).toBeUndefined();
  });

  test('returns the violation instead of throwing it', () => {
    expect(() => refusal('accepted', 'accept')).not.toThrow();
  });
});
