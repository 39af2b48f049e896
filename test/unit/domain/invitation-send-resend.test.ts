import { errorCodes } from '../../../domain/error-codes';
import { DAY, HOUR, MINUTE } from '../../../domain/duration';
import { lastEvent, transition, type InvitationState } from '../../../domain/invitation';
import { at, iso, TTL, SENT_AT, EXPIRES_AT, registered, pending, expired } from '../../support/invitation-states';
import { violationOf } from '../../support/thrown';

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
