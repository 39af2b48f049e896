import { DAY, HOUR } from '../../../domain/duration';
import { checkCommand, isRepeatedAcceptance, lastEvent, transition } from '../../../domain/invitation';
import { at, SENT_AT, EXPIRES_AT, registered, pending, pendingForAna, stateIn } from '../../support/invitation-states';
import { violationOf } from '../../support/thrown';

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
