import { DAY, HOUR } from '../../../domain/duration';
import { checkCommand, lastEvent, transition } from '../../../domain/invitation';
import { at, iso, SENT_AT, EXPIRES_AT, registered, pending, pendingForAna } from '../../support/invitation-states';
import { violationOf } from '../../support/thrown';

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
