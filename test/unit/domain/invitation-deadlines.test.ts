import { DAY, HOUR } from '../../../domain/duration';
import {
  createInvitation,
  expiredRetentionMs,
  firstTaskDelayMs,
  nextDeadline,
  transition,
  type InvitationState,
} from '../../../domain/invitation';

const T0 = new Date('2026-01-01T00:00:00Z');
const at = (offsetMs: number): Date => new Date(T0.getTime() + offsetMs);

function registered(reminderOffsetsMs: number[] = []): InvitationState {
  return createInvitation(
    {
      id: 'inv_1',
      workspaceId: 'acme',
      invitee: { email: 'ana@example.org', phone: null, name: null, userId: null },
      roles: ['member'],
      groups: [],
      channels: ['email'],
      inviter: { userId: 'u-bob', roles: ['admin'] },
      locale: null,
      ttlMs: 7 * DAY,
      resendIntervalMs: 0,
      reminderOffsetsMs,
    },
    T0,
  );
}
const sent = (reminders: number[] = []) => transition(registered(reminders), { type: 'send' }, T0);

describe('nextDeadline', () => {
  test('a pending invitation without reminders: its expiry', () => {
    expect(nextDeadline(sent())).toBe(at(7 * DAY).getTime());
  });

  test('a pending invitation with a reminder due before the expiry: the reminder', () => {
    expect(nextDeadline(sent([3 * DAY]))).toBe(at(3 * DAY).getTime());
  });

  test('an expired invitation: the end of the time it can still be resent in', () => {
    const expired = transition(sent(), { type: 'expire' }, at(7 * DAY));
    expect(nextDeadline(expired)).toBe(at(7 * DAY + expiredRetentionMs).getTime());
  });

  test.each(['registered', 'accepted', 'revoked'] as const)('a %s invitation: none', (status) => {
    const state =
      status === 'registered'
        ? registered()
        : transition(sent(), status === 'accepted' ? { type: 'accept', userId: 'u-ana' } : { type: 'revoke' }, T0);
    expect(nextDeadline(state)).toBeUndefined();
  });
});

describe('firstTaskDelayMs', () => {
  test('a run started for a sent invitation waits until its first reminder', () => {
    expect(firstTaskDelayMs(sent([2 * DAY]), at(HOUR))).toBe(2 * DAY - HOUR);
  });

  test('a deadline already past: no wait', () => {
    expect(firstTaskDelayMs(sent(), at(8 * DAY))).toBe(0);
  });

  test('a registered invitation, which only a command moves on, waits as long as an expired one is kept', () => {
    expect(firstTaskDelayMs(registered(), T0)).toBe(expiredRetentionMs);
  });
});
