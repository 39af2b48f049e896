import { DAY, HOUR } from '../../../domain/duration';
import {
  isLatestMessage,
  lastEvent,
  messageOf,
  nextReminderAt,
  remindersSinceLastSend,
  transition,
  type InvitationState,
} from '../../../domain/invitation';
import { at, iso, TTL, SENT_AT, EXPIRES_AT, registered, pending, stateIn } from '../../support/invitation-states';
import { violationOf } from '../../support/thrown';

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
