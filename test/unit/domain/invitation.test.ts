import { errorCodes, RuleViolation, type ErrorCode } from '../../../domain/error-codes';
import { DAY, HOUR, MINUTE } from '../../../domain/duration';
import {
  checkCommand,
  createInvitation,
  finalStatuses,
  invitationStatuses,
  invitationWorkflowId,
  isDeadLink,
  isFinal,
  isLatestMessage,
  messageOf,
  isRepeatedAcceptance,
  lastEvent,
  nextReminderAt,
  refusal,
  remindersSinceLastSend,
  transition,
  type InvitationCommand,
  type InvitationState,
  type InvitationStatus,
  type NewInvitation,
} from '../../../domain/invitation';
import { violationOf } from '../../support/thrown';

// A fixed clock: every instant in this file is an offset from T0.
const T0 = new Date('2026-01-01T00:00:00Z');
const at = (offsetMs: number): Date => new Date(T0.getTime() + offsetMs);
const iso = (offsetMs: number): string => at(offsetMs).toISOString();

const TTL = 7 * DAY;
const SENT_AT = HOUR; // the invitation in `pending()` is sent one hour after creation
const EXPIRES_AT = SENT_AT + TTL; // ...and so expires at T0 + 1h + 7d

function newInvitation(overrides: Partial<NewInvitation> = {}): NewInvitation {
  return {
    id: 'inv_abc123',
    workspaceId: 'acme',
    invitee: { email: 'ana@example.org', phone: '+33612345678', name: 'Ana', userId: null },
    roles: ['member'],
    groups: ['engineering'],
    channels: ['email'],
    inviter: { userId: 'user-bob', roles: ['admin'], name: 'Bob' },
    locale: 'fr',
    ttlMs: TTL,
    resendIntervalMs: MINUTE,
    reminderOffsetsMs: [],
    ...overrides,
  };
}

const registered = (overrides: Partial<NewInvitation> = {}): InvitationState =>
  createInvitation(newInvitation(overrides), T0);
const pending = (): InvitationState => transition(registered(), { type: 'send', by: 'user-bob' }, at(SENT_AT));
/** Made for a known account of the host, and sent. */
const pendingForAna = (): InvitationState =>
  transition(
    registered({ invitee: { email: 'ana@example.org', phone: null, name: 'Ana', userId: 'user-ana' } }),
    { type: 'send', by: 'user-bob' },
    at(SENT_AT),
  );
const expired = (): InvitationState => transition(pending(), { type: 'expire' }, at(EXPIRES_AT));
/** A member's invitation waiting for approval: created and requested in the same instant, as the workflow does. */
const requested = (): InvitationState =>
  transition(registered({ inviter: { userId: 'user-mo', roles: ['member'] } }), { type: 'request', by: 'user-mo' }, T0);

/** A state in any status, reached through real transitions where one leads there. */
function stateIn(status: InvitationStatus): InvitationState {
  switch (status) {
    case 'requested':
      return requested();
    case 'registered':
      return registered();
    case 'pending':
      return pending();
    case 'accepted':
      return transition(pending(), { type: 'accept', userId: 'user-ana' }, at(SENT_AT + HOUR));
    case 'declined':
      return transition(pending(), { type: 'decline' }, at(SENT_AT + HOUR));
    case 'revoked':
      return transition(pending(), { type: 'revoke', by: 'user-bob' }, at(SENT_AT + HOUR));
    case 'expired':
      return expired();
  }
}

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

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

describe('createInvitation', () => {
  test('starts registered, unsent, with a single "created" event by the inviter', () => {
    const state = createInvitation(newInvitation(), T0);

    expect(state).toEqual({
      id: 'inv_abc123',
      workspaceId: 'acme',
      invitee: { email: 'ana@example.org', phone: '+33612345678', name: 'Ana', userId: null },
      roles: ['member'],
      groups: ['engineering'],
      channels: ['email'],
      inviter: { userId: 'user-bob', roles: ['admin'], name: 'Bob' },
      locale: 'fr',
      ttlMs: TTL,
      resendIntervalMs: MINUTE,
      reminderOffsetsMs: [],
      status: 'registered',
      sendCount: 0,
      lastSentAt: null,
      expiresAt: null,
      createdAt: '2026-01-01T00:00:00.000Z',
      acceptedAt: null,
      acceptedBy: null,
      events: [{ seq: 1, type: 'created', at: '2026-01-01T00:00:00.000Z', by: 'user-bob' }],
    });
  });

  test('does not change its input', () => {
    const input = deepFreeze(newInvitation());
    const copy = structuredClone(input);

    createInvitation(input, T0);

    expect(input).toEqual(copy);
  });
});

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

describe('send', () => {
  test('makes the invitation pending, counts the send and starts the expiry clock from now', () => {
    const next = transition(registered(), { type: 'send', by: 'user-bob' }, at(SENT_AT));

    expect(next).toMatchObject({
      status: 'pending',
      sendCount: 1,
      lastSentAt: '2026-01-01T01:00:00.000Z',
      expiresAt: '2026-01-08T01:00:00.000Z',
    });
    expect(next.events.at(-1)).toEqual({ seq: 2, type: 'sent', at: '2026-01-01T01:00:00.000Z', by: 'user-bob' });
  });

  test('the expiry follows the invitation’s own ttlMs', () => {
    const next = transition(registered({ ttlMs: 2 * HOUR }), { type: 'send' }, at(0));

    expect(next.expiresAt).toBe('2026-01-01T02:00:00.000Z');
  });

  test('without `by`, the event has no actor', () => {
    const next = transition(registered(), { type: 'send' }, at(SENT_AT));

    expect(lastEvent(next).by).toBeNull();
  });
});

describe('resend', () => {
  test('from pending: moves expiresAt to now + ttlMs, increments sendCount and records lastSentAt', () => {
    const resentAt = SENT_AT + 3 * DAY;
    const next = transition(pending(), { type: 'resend', by: 'user-carol' }, at(resentAt));

    expect(next).toMatchObject({
      status: 'pending',
      sendCount: 2,
      lastSentAt: '2026-01-04T01:00:00.000Z',
      expiresAt: '2026-01-11T01:00:00.000Z',
    });
    expect(lastEvent(next)).toEqual({ seq: 3, type: 'resent', at: '2026-01-04T01:00:00.000Z', by: 'user-carol' });
  });

  test('from expired: brings the invitation back to pending with a fresh expiry', () => {
    const resentAt = EXPIRES_AT + 2 * DAY;
    const next = transition(expired(), { type: 'resend' }, at(resentAt));

    expect(next.status).toBe('pending');
    expect(next.sendCount).toBe(2);
    expect(next.expiresAt).toBe(iso(resentAt + TTL));
    expect(lastEvent(next)).toEqual({ seq: 4, type: 'resent', at: iso(resentAt), by: null });
  });

  test('from pending after the expiry instant but before the timer fired: allowed, with a fresh expiry', () => {
    const resentAt = EXPIRES_AT + 1;
    const next = transition(pending(), { type: 'resend' }, at(resentAt));

    expect(next.status).toBe('pending');
    expect(next.expiresAt).toBe(iso(resentAt + TTL));
  });

  test('each resend counts: three sends make sendCount 3', () => {
    let state = pending();
    state = transition(state, { type: 'resend' }, at(SENT_AT + DAY));
    state = transition(state, { type: 'resend' }, at(SENT_AT + 2 * DAY));

    expect(state.sendCount).toBe(3);
    expect(state.expiresAt).toBe(iso(SENT_AT + 2 * DAY + TTL));
  });
});

describe('accept', () => {
  test('sets acceptedAt and acceptedBy, and records the accepting user as the actor', () => {
    const acceptedAt = SENT_AT + 2 * DAY;
    const next = transition(pending(), { type: 'accept', userId: 'user-ana-2' }, at(acceptedAt));

    expect(next).toMatchObject({
      status: 'accepted',
      acceptedAt: '2026-01-03T01:00:00.000Z',
      acceptedBy: 'user-ana-2',
    });
    expect(lastEvent(next)).toEqual({ seq: 3, type: 'accepted', at: '2026-01-03T01:00:00.000Z', by: 'user-ana-2' });
  });

  test('a registered invitation (link shared before any send) can be accepted; it never expires by the clock', () => {
    const muchLater = at(365 * DAY);
    const next = transition(registered(), { type: 'accept', userId: 'user-ana' }, muchLater);

    expect(next.status).toBe('accepted');
    expect(next.acceptedAt).toBe(muchLater.toISOString());
    expect(next.sendCount).toBe(0);
  });

  test('one millisecond before expiresAt: accepted', () => {
    const next = transition(pending(), { type: 'accept', userId: 'user-ana' }, at(EXPIRES_AT - 1));

    expect(next.status).toBe('accepted');
  });

  test('exactly at expiresAt: refused as expired, even though the expiry timer has not fired', () => {
    const violation = violationOf(() => transition(pending(), { type: 'accept', userId: 'user-ana' }, at(EXPIRES_AT)));

    expect(violation.code).toBe('invitation_expired');
  });

  test('after expiresAt: refused as expired', () => {
    const violation = violationOf(() =>
      transition(pending(), { type: 'accept', userId: 'user-ana' }, at(EXPIRES_AT + DAY)),
    );

    expect(violation.code).toBe('invitation_expired');
  });

  test('after a resend, the new expiry counts, not the old one', () => {
    const resent = transition(pending(), { type: 'resend' }, at(SENT_AT + 6 * DAY));

    const next = transition(resent, { type: 'accept', userId: 'user-ana' }, at(EXPIRES_AT + DAY));

    expect(next.status).toBe('accepted');
  });
});

describe('accept: the account an invitation was made for', () => {
  test('another account is refused by the run itself, whichever way the accept came', () => {
    const refused = violationOf(() =>
      checkCommand(pendingForAna(), { type: 'accept', userId: 'user-eve' }, at(SENT_AT)),
    );
    expect([refused.code, refused.field]).toEqual(['wrong_account', '/userId']);
    expect(transition(pendingForAna(), { type: 'accept', userId: 'user-ana' }, at(SENT_AT)).status).toBe('accepted');
  });
});

describe('decline', () => {
  test('records the given actor', () => {
    const next = transition(pending(), { type: 'decline', by: 'someone' }, at(SENT_AT + HOUR));

    expect(next.status).toBe('declined');
    expect(lastEvent(next)).toEqual({ seq: 3, type: 'declined', at: iso(SENT_AT + HOUR), by: 'someone' });
    expect(next.acceptedAt).toBeNull();
    expect(next.acceptedBy).toBeNull();
  });

  test('one made for an account is declined by that account alone, the actor', () => {
    for (const by of [undefined, 'user-eve']) {
      const refused = violationOf(() => checkCommand(pendingForAna(), { type: 'decline', by }, at(SENT_AT + HOUR)));
      expect([refused.code, refused.field]).toEqual(['wrong_account', '/userId']);
    }
    const next = transition(pendingForAna(), { type: 'decline', by: 'user-ana' }, at(SENT_AT + HOUR));

    expect(lastEvent(next).by).toBe('user-ana');
  });

  test('without `by` and without an invitee userId, there is no actor', () => {
    const state = registered({ invitee: { email: 'ana@example.org', phone: null, name: null, userId: null } });

    const next = transition(state, { type: 'decline' }, at(HOUR));

    expect(lastEvent(next).by).toBeNull();
  });

  test('one millisecond before expiresAt: declined', () => {
    expect(transition(pending(), { type: 'decline' }, at(EXPIRES_AT - 1)).status).toBe('declined');
  });

  test('at expiresAt: refused as expired', () => {
    expect(violationOf(() => transition(pending(), { type: 'decline' }, at(EXPIRES_AT))).code).toBe(
      'invitation_expired',
    );
  });
});

describe('revoke', () => {
  test('records who revoked', () => {
    const next = transition(pending(), { type: 'revoke', by: 'user-bob' }, at(SENT_AT + HOUR));

    expect(next.status).toBe('revoked');
    expect(lastEvent(next)).toEqual({ seq: 3, type: 'revoked', at: iso(SENT_AT + HOUR), by: 'user-bob' });
  });

  test('without `by`, there is no actor (not the invitee)', () => {
    const next = transition(pending(), { type: 'revoke' }, at(SENT_AT + HOUR));

    expect(lastEvent(next).by).toBeNull();
  });

  test('a pending invitation past its expiry can still be revoked', () => {
    expect(transition(pending(), { type: 'revoke' }, at(EXPIRES_AT + DAY)).status).toBe('revoked');
  });
});

describe('expire', () => {
  test('one millisecond before expiresAt: refused, the invitation has not reached its expiry', () => {
    const violation = violationOf(() => transition(pending(), { type: 'expire' }, at(EXPIRES_AT - 1)));

    expect(violation.code).toBe('not_due');
    expect(violation.message).toBe('the invitation has not reached its expiry yet');
  });

  test('at expiresAt: expires, with no actor, and keeps expiresAt and sendCount', () => {
    const next = transition(pending(), { type: 'expire' }, at(EXPIRES_AT));

    expect(next).toMatchObject({ status: 'expired', expiresAt: iso(EXPIRES_AT), sendCount: 1 });
    expect(lastEvent(next)).toEqual({ seq: 3, type: 'expired', at: iso(EXPIRES_AT), by: null });
  });

  test('after expiresAt (a late timer): expires', () => {
    expect(transition(pending(), { type: 'expire' }, at(EXPIRES_AT + DAY)).status).toBe('expired');
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

describe('invitationWorkflowId', () => {
  test('is the invitation id with an "invitation-" prefix', () => {
    expect(invitationWorkflowId('inv_abc123')).toBe('invitation-inv_abc123');
  });

  test('carries no personal data of the invitation', () => {
    const state = registered();

    const workflowId = invitationWorkflowId(state.id);

    expect(workflowId).not.toContain('ana@example.org');
    expect(workflowId).not.toContain('@');
    expect(workflowId).not.toContain('+33612345678');
    expect(workflowId).not.toContain('Ana');
  });

  test('different invitations get different workflow ids', () => {
    expect(invitationWorkflowId('inv_a')).not.toBe(invitationWorkflowId('inv_b'));
  });
});

describe('repeated acceptance', () => {
  const accepted = stateIn('accepted');

  test('the same user accepting again changes nothing, even after expiry', () => {
    expect(isRepeatedAcceptance(accepted, { type: 'accept', userId: 'user-ana' })).toBe(true);
    expect(transition(accepted, { type: 'accept', userId: 'user-ana' }, at(EXPIRES_AT + DAY))).toBe(accepted);
  });

  test('another user is refused', () => {
    expect(isRepeatedAcceptance(accepted, { type: 'accept', userId: 'user-eve' })).toBe(false);
    expect(() => transition(accepted, { type: 'accept', userId: 'user-eve' }, at(SENT_AT + 2 * HOUR))).toThrow(
      expect.objectContaining({ code: 'invitation_already_accepted' }),
    );
  });
});

describe('resend interval', () => {
  const resendAt = (state: InvitationState, offsetMs: number) => transition(state, { type: 'resend' }, at(offsetMs));

  test('the interval the invitation kept applies: here one minute', () => {
    expect(pending().resendIntervalMs).toBe(MINUTE);
    expect(violationOf(() => resendAt(pending(), SENT_AT + MINUTE - 1)).code).toBe('resend_too_soon');
    expect(resendAt(pending(), SENT_AT + MINUTE).sendCount).toBe(2);
  });

  test('one millisecond before the interval ends: refused, asking to wait one second (rounded up, never 0)', () => {
    const violation = violationOf(() => resendAt(pending(), SENT_AT + MINUTE - 1));

    expect(violation.code).toBe('resend_too_soon');
    expect(errorCodes[violation.code]).toBe(429);
    expect(violation.retryAfterSeconds).toBe(1);
    expect(violation.message).toBe('the invitation was sent too recently; it can be resent in 1 s');
  });

  test('the wait is what is left of the invitation’s own interval', () => {
    const state = transition(registered({ resendIntervalMs: 10 * MINUTE }), { type: 'send' }, at(SENT_AT));

    expect(violationOf(() => resendAt(state, SENT_AT)).retryAfterSeconds).toBe(600);
    expect(violationOf(() => resendAt(state, SENT_AT + 4 * MINUTE + 500)).retryAfterSeconds).toBe(360);
    expect(violationOf(() => resendAt(state, SENT_AT + 10 * MINUTE - 1)).retryAfterSeconds).toBe(1);
    expect(resendAt(state, SENT_AT + 10 * MINUTE).status).toBe('pending');
  });

  test('0 means no limit: a resend in the same millisecond as the send is allowed', () => {
    const state = transition(registered({ resendIntervalMs: 0 }), { type: 'send' }, at(SENT_AT));

    expect(resendAt(resendAt(state, SENT_AT), SENT_AT).sendCount).toBe(3);
  });

  test('is measured from the latest send, resends included', () => {
    const resent = resendAt(pending(), SENT_AT + 2 * MINUTE);

    expect(violationOf(() => resendAt(resent, SENT_AT + 2 * MINUTE + 30_000)).retryAfterSeconds).toBe(30);
    expect(resendAt(resent, SENT_AT + 3 * MINUTE).sendCount).toBe(3);
  });

  test('applies to an expired invitation too', () => {
    const sent = transition(registered({ ttlMs: 30_000 }), { type: 'send' }, at(0));
    const lapsed = transition(sent, { type: 'expire' }, at(30_000));

    expect(violationOf(() => resendAt(lapsed, 45_000))).toMatchObject({
      code: 'resend_too_soon',
      retryAfterSeconds: 15,
    });
    expect(resendAt(lapsed, MINUTE).status).toBe('pending');
  });

  test('the status refusal comes first: resending a revoked invitation at once says revoked', () => {
    const revoked = transition(pending(), { type: 'revoke' }, at(SENT_AT + 1));

    expect(violationOf(() => resendAt(revoked, SENT_AT + 2)).code).toBe('invitation_revoked');
  });

  test('other commands are not paced: send, accept, decline and revoke right after a send', () => {
    const justSent = at(SENT_AT + 1);

    expect(transition(pending(), { type: 'accept', userId: 'user-ana' }, justSent).status).toBe('accepted');
    expect(transition(pending(), { type: 'decline' }, justSent).status).toBe('declined');
    expect(transition(pending(), { type: 'revoke' }, justSent).status).toBe('revoked');
    expect(transition(registered(), { type: 'send' }, at(1)).status).toBe('pending');
  });

  test('other refusals carry no wait', () => {
    expect(
      violationOf(() => transition(pending(), { type: 'send' }, at(SENT_AT + 1))).retryAfterSeconds,
    ).toBeUndefined();
  });
});

describe('reminders', () => {
  const THREE_DAYS = 3 * DAY;
  const SIX_DAYS = 6 * DAY;
  /** Pending, sent at SENT_AT, reminded 3 and 6 days after each send, expiring 7 days after it. */
  const reminding = (offsets = [THREE_DAYS, SIX_DAYS]): InvitationState =>
    transition(registered({ reminderOffsetsMs: offsets }), { type: 'send' }, at(SENT_AT));
  const remind = (state: InvitationState, offsetMs: number) => transition(state, { type: 'remind' }, at(offsetMs));

  describe('nextReminderAt', () => {
    test('the first offset after the send, then the next after each reminder, then none', () => {
      const first = reminding();
      const second = remind(first, SENT_AT + THREE_DAYS);
      const done = remind(second, SENT_AT + SIX_DAYS);

      expect(nextReminderAt(first)).toBe(at(SENT_AT + THREE_DAYS).getTime());
      expect(nextReminderAt(second)).toBe(at(SENT_AT + SIX_DAYS).getTime());
      expect(nextReminderAt(done)).toBeUndefined();
    });

    test('a late reminder does not move the next one: offsets count from the send', () => {
      const late = remind(reminding(), SENT_AT + 5 * DAY);

      expect(nextReminderAt(late)).toBe(at(SENT_AT + SIX_DAYS).getTime());
    });

    test('none without reminders: an empty list', () => {
      expect(nextReminderAt(reminding([]))).toBeUndefined();
      expect(pending().reminderOffsetsMs).toEqual([]);
      expect(nextReminderAt(pending())).toBeUndefined();
    });

    test('a reminder at the expiry or after it never comes; one a millisecond before does', () => {
      expect(nextReminderAt(reminding([TTL]))).toBeUndefined();
      expect(nextReminderAt(reminding([TTL + DAY]))).toBeUndefined();
      expect(nextReminderAt(reminding([TTL - 1]))).toBe(at(EXPIRES_AT - 1).getTime());
    });

    test.each(['registered', 'accepted', 'declined', 'revoked', 'expired'] as const)(
      'none once the invitation is not pending (%s)',
      (status) => {
        const state: InvitationState = { ...stateIn(status), reminderOffsetsMs: [HOUR] };

        expect(nextReminderAt(state)).toBeUndefined();
      },
    );

    test('a resend restarts the schedule from the resend', () => {
      const reminded = remind(reminding(), SENT_AT + THREE_DAYS);
      const resent = transition(reminded, { type: 'resend' }, at(SENT_AT + 4 * DAY));

      expect(remindersSinceLastSend(reminded)).toBe(1);
      expect(remindersSinceLastSend(resent)).toBe(0);
      expect(nextReminderAt(resent)).toBe(at(SENT_AT + 4 * DAY + THREE_DAYS).getTime());
    });

    test('a resend of an expired invitation restarts it too', () => {
      let state = remind(reminding(), SENT_AT + THREE_DAYS);
      state = remind(state, SENT_AT + SIX_DAYS);
      state = transition(state, { type: 'expire' }, at(EXPIRES_AT));
      state = transition(state, { type: 'resend' }, at(EXPIRES_AT + DAY));

      expect(nextReminderAt(state)).toBe(at(EXPIRES_AT + DAY + THREE_DAYS).getTime());
    });
  });

  describe('remind', () => {
    test('when due: records "reminded" with no actor and changes nothing else', () => {
      const state = reminding();
      const next = remind(state, SENT_AT + THREE_DAYS);

      expect(lastEvent(next)).toEqual({ seq: 3, type: 'reminded', at: iso(SENT_AT + THREE_DAYS), by: null });
      expect({ ...next, events: state.events }).toEqual(state);
    });

    test('one millisecond before it is due: refused', () => {
      const violation = violationOf(() => remind(reminding(), SENT_AT + THREE_DAYS - 1));

      expect(violation.code).toBe('not_due');
      expect(violation.message).toBe('no reminder of the invitation is due yet');
    });

    test('refused when every reminder of the send has gone', () => {
      const done = remind(remind(reminding(), SENT_AT + THREE_DAYS), SENT_AT + SIX_DAYS);

      expect(violationOf(() => remind(done, SENT_AT + SIX_DAYS + HOUR)).code).toBe('not_due');
    });

    test('refused without reminders', () => {
      expect(violationOf(() => remind(pending(), SENT_AT + THREE_DAYS)).code).toBe('not_due');
    });

    test('at the expiry instant, before the timer fired: refused as expired', () => {
      expect(violationOf(() => remind(reminding([TTL - 1]), EXPIRES_AT)).code).toBe('invitation_expired');
    });

    test.each([
      ['registered', 'invitation_not_sent'],
      ['accepted', 'invitation_already_accepted'],
      ['declined', 'invitation_declined'],
      ['revoked', 'invitation_revoked'],
      ['expired', 'invitation_expired'],
    ] as const)('refused once %s (%s)', (status, code) => {
      const state: InvitationState = { ...stateIn(status), reminderOffsetsMs: [HOUR] };

      expect(violationOf(() => remind(state, EXPIRES_AT + HOUR)).code).toBe(code);
    });

    test('changes neither the status nor the expiry, so accepting still works until the expiry', () => {
      const reminded = remind(reminding(), SENT_AT + SIX_DAYS);

      expect(transition(reminded, { type: 'accept', userId: 'user-ana' }, at(EXPIRES_AT - 1)).status).toBe('accepted');
    });
  });

  describe('isLatestMessage', () => {
    test('the send’s email is the latest until a reminder; the reminder’s then is', () => {
      const sent = reminding();
      const reminded = remind(sent, SENT_AT + THREE_DAYS);

      expect(isLatestMessage(sent, messageOf(sent))).toBe(true);
      expect(isLatestMessage(reminded, messageOf(sent))).toBe(false);
      expect(isLatestMessage(reminded, messageOf(reminded))).toBe(true);
    });

    test('a reminder is stale after a resend, and the resend’s email is not', () => {
      const reminded = remind(reminding(), SENT_AT + THREE_DAYS);
      const resent = transition(reminded, { type: 'resend' }, at(SENT_AT + 4 * DAY));

      expect(isLatestMessage(resent, messageOf(reminded))).toBe(false);
      expect(isLatestMessage(resent, messageOf(resent))).toBe(true);
    });

    test.each([
      ['accept', { type: 'accept', userId: 'user-ana' }],
      ['revoke', { type: 'revoke' }],
      ['decline', { type: 'decline' }],
    ] as const)('nothing is worth sending after %s', (_, command) => {
      const reminded = remind(reminding(), SENT_AT + THREE_DAYS);

      expect(isLatestMessage(transition(reminded, command, at(SENT_AT + 4 * DAY)), messageOf(reminded))).toBe(false);
    });

    test('nothing is worth sending after the expiry', () => {
      const sent = reminding();

      expect(isLatestMessage(transition(sent, { type: 'expire' }, at(EXPIRES_AT)), messageOf(sent))).toBe(false);
    });
  });
});

describe('invite requests', () => {
  test('request: `created`, then `requested` by the member who asked; nothing sent, no expiry', () => {
    const state = requested();

    expect(state).toMatchObject({ status: 'requested', sendCount: 0, lastSentAt: null, expiresAt: null });
    expect(state.events).toEqual([
      { seq: 1, type: 'created', at: iso(0), by: 'user-mo' },
      { seq: 2, type: 'requested', at: iso(0), by: 'user-mo' },
    ]);
  });

  test('approve: sent like a send, with the approver as the actor, and its expiry clock starts', () => {
    const next = transition(requested(), { type: 'approve', by: 'user-bob' }, at(SENT_AT));

    expect(next).toMatchObject({
      status: 'pending',
      sendCount: 1,
      lastSentAt: iso(SENT_AT),
      expiresAt: iso(SENT_AT + TTL),
    });
    expect(lastEvent(next)).toEqual({ seq: 3, type: 'sent', at: iso(SENT_AT), by: 'user-bob' });
  });

  test('approve is held to the roles the invitation holds when it applies, against what the approver may grant', () => {
    const state = requested();
    const grantingAll: InvitationCommand = { type: 'approve', by: 'user-bob', grantable: [...state.roles] };
    expect(transition(state, grantingAll, at(SENT_AT)).status).toBe('pending');
    const changed = transition(state, { type: 'change', roles: ['viewer', 'admin'] }, at(SENT_AT));
    const refused = violationOf(() => checkCommand(changed, { ...grantingAll, grantable: ['viewer'] }, at(SENT_AT)));
    expect([refused.code, refused.field]).toEqual(['role_not_grantable', '/roles/1']);
  });

  test('an approved request is accepted like any sent invitation', () => {
    const approved = transition(requested(), { type: 'approve', by: 'user-bob' }, at(SENT_AT));

    expect(transition(approved, { type: 'accept', userId: 'user-ana' }, at(SENT_AT + HOUR)).status).toBe('accepted');
  });

  test('reject: revoked, with its own `rejected` event by the approver; the link then says revoked', () => {
    const next = transition(requested(), { type: 'reject', by: 'user-bob' }, at(HOUR));

    expect(next.status).toBe('revoked');
    expect(lastEvent(next)).toEqual({ seq: 3, type: 'rejected', at: iso(HOUR), by: 'user-bob' });
    expect(violationOf(() => transition(next, { type: 'accept', userId: 'user-ana' }, at(2 * HOUR))).code).toBe(
      'invitation_revoked',
    );
  });

  test('a requested invitation cannot be accepted, sent or resent before approval', () => {
    for (const command of [{ type: 'accept', userId: 'user-ana' }, { type: 'send' }, { type: 'resend' }] as const) {
      expect(violationOf(() => transition(requested(), command, at(HOUR))).message).toContain('waits for approval');
    }
  });

  test.each(['registered', 'pending', 'expired'] as const)(
    'approving or rejecting a %s invitation, which nobody asked for, is refused',
    (status) => {
      for (const type of ['approve', 'reject'] as const) {
        const violation = violationOf(() => checkCommand(stateIn(status), { type, by: 'user-bob' }, at(SENT_AT)));
        expect(violation.code).toBe('invitation_not_requested');
        expect(violation.message).toBe(`cannot ${type} an invitation that nobody asked for`);
        expect(errorCodes[violation.code]).toBe(409);
      }
    },
  );

  test('the same request cannot be decided twice', () => {
    const approved = transition(requested(), { type: 'approve', by: 'user-bob' }, at(HOUR));
    const rejected = transition(requested(), { type: 'reject', by: 'user-bob' }, at(HOUR));

    expect(violationOf(() => transition(approved, { type: 'reject' }, at(2 * HOUR))).code).toBe(
      'invitation_not_requested',
    );
    expect(violationOf(() => transition(rejected, { type: 'approve' }, at(2 * HOUR))).code).toBe('invitation_revoked');
  });

  test('the request command is the workflow’s, at creation: refused once the invitation was sent', () => {
    expect(violationOf(() => transition(pending(), { type: 'request' }, at(SENT_AT + 1))).code).toBe(
      'invitation_already_sent',
    );
  });
});

describe('change', () => {
  test('replaces roles and groups and records `changed` with the actor', () => {
    const next = transition(pending(), { type: 'change', roles: ['admin'], groups: [], by: 'user-bob' }, at(2 * HOUR));

    expect(next).toMatchObject({ status: 'pending', roles: ['admin'], groups: [] });
    expect(lastEvent(next)).toEqual({ seq: 3, type: 'changed', at: iso(2 * HOUR), by: 'user-bob' });
  });

  test('a field left out keeps its value; without `by` there is no actor', () => {
    const next = transition(pending(), { type: 'change', groups: ['sales'] }, at(2 * HOUR));

    expect(next).toMatchObject({ roles: ['member'], groups: ['sales'] });
    expect(lastEvent(next).by).toBeNull();
  });

  test('changes neither the status, the sends nor the expiry', () => {
    const state = pending();
    const next = transition(state, { type: 'change', roles: ['admin'] }, at(2 * HOUR));

    expect({ ...next, roles: state.roles, events: state.events }).toEqual(state);
  });

  test('a change to what the invitation already has changes nothing and records nothing', () => {
    const state = pending();

    expect(transition(state, { type: 'change', roles: ['member'], groups: ['engineering'] }, at(2 * HOUR))).toBe(state);
    expect(transition(state, { type: 'change', roles: ['member'] }, at(2 * HOUR))).toBe(state);
  });

  test('the accepted membership takes the latest roles and groups from the state', () => {
    const changed = transition(pending(), { type: 'change', roles: ['admin'], groups: ['ops'] }, at(2 * HOUR));
    const accepted = transition(changed, { type: 'accept', userId: 'user-ana' }, at(3 * HOUR));

    expect(accepted).toMatchObject({ status: 'accepted', roles: ['admin'], groups: ['ops'] });
  });

  test('allowed on an expired invitation, and on a pending one past its expiry before the timer fired', () => {
    expect(transition(expired(), { type: 'change', roles: ['admin'] }, at(EXPIRES_AT + DAY)).status).toBe('expired');
    expect(transition(pending(), { type: 'change', roles: ['admin'] }, at(EXPIRES_AT + DAY)).status).toBe('pending');
  });

  test.each([
    ['accepted', 'invitation_already_accepted'],
    ['declined', 'invitation_declined'],
    ['revoked', 'invitation_revoked'],
  ] as const)('refused once %s (%s), even when it would change nothing', (status, code) => {
    const state = stateIn(status);

    expect(violationOf(() => transition(state, { type: 'change', roles: state.roles }, at(EXPIRES_AT))).code).toBe(
      code,
    );
  });
});

describe('failDelivery', () => {
  test('records what failed, without changing the status or the sends', () => {
    const state = pending();
    const next = transition(
      state,
      { type: 'failDelivery', channel: 'email', reason: 'SMTP reply 550' },
      at(SENT_AT + 1),
    );
    expect(next.status).toBe('pending');
    expect(next.sendCount).toBe(state.sendCount);
    expect(next.expiresAt).toBe(state.expiresAt);
    expect(lastEvent(next)).toEqual({
      seq: state.events.length + 1,
      type: 'delivery_failed',
      at: iso(SENT_AT + 1),
      by: null,
      detail: 'email: SMTP reply 550',
    });
  });
});

describe('erasure', () => {
  test('forgets email, phone and name, keeps the status, dates and user id, and is recorded once', () => {
    const before = pendingForAna();
    const erased = transition(before, { type: 'erase', by: 'user-bob' }, at(SENT_AT + HOUR));

    expect(erased.invitee).toEqual({ email: null, phone: null, name: null, userId: 'user-ana', phoneConsent: false });
    expect(erased).toMatchObject({ status: 'pending', expiresAt: before.expiresAt, erasedAt: iso(SENT_AT + HOUR) });
    expect(erased.events.at(-1)).toMatchObject({ type: 'erased', by: 'user-bob' });
    expect(transition(erased, { type: 'erase' }, at(SENT_AT + 2 * HOUR))).toBe(erased);
  });

  test('an accepted invitation can be erased too', () => {
    const accepted = transition(pending(), { type: 'accept', userId: 'user-ana' }, at(SENT_AT + HOUR));

    expect(transition(accepted, { type: 'erase' }, at(SENT_AT + 2 * HOUR)).status).toBe('accepted');
  });
});

describe('acceptance method', () => {
  test('is recorded on the accepted event when given', () => {
    const matched = transition(
      pending(),
      { type: 'accept', userId: 'user-ana', method: 'phone_match' },
      at(SENT_AT + HOUR),
    );

    expect(matched.events.at(-1)).toMatchObject({ type: 'accepted', method: 'phone_match' });
    expect(
      transition(pending(), { type: 'accept', userId: 'user-ana' }, at(SENT_AT + HOUR)).events.at(-1),
    ).not.toHaveProperty('method');
  });
});
