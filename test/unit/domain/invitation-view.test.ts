import { DAY } from '../../../domain/duration';
import { createInvitation, transition } from '../../../domain/invitation';
import { invitationView } from '../../../domain/invitation-view';

const T0 = new Date('2026-01-01T00:00:00Z');

const state = transition(
  createInvitation(
    {
      id: 'inv_view',
      workspaceId: 'acme',
      invitee: { email: 'ana@example.org', phone: null, name: 'Ana', userId: null },
      roles: ['member'],
      groups: [],
      channels: ['email'],
      inviter: { userId: 'user-bob', roles: ['admin'] },
      locale: null,
      ttlMs: 7 * DAY,
      resendIntervalMs: 60_000,
      reminderOffsetsMs: [],
    },
    T0,
  ),
  { type: 'send', by: 'user-bob' },
  T0,
);

describe('invitationView', () => {
  test('drops ttlMs', () => {
    const view = invitationView(state);

    expect(view).not.toHaveProperty('ttlMs');
    expect(Object.keys(view)).not.toContain('ttlMs');
    expect(JSON.parse(JSON.stringify(view))).not.toHaveProperty('ttlMs');
  });

  test('keeps every other field as it is, less the timings the run keeps', () => {
    const { ttlMs, resendIntervalMs: _resend, reminderOffsetsMs: _reminders, ...rest } = state;

    expect(ttlMs).toBe(7 * DAY);
    expect(invitationView(state)).toEqual(rest);
    expect(invitationView(state)).toMatchObject({
      id: 'inv_view',
      status: 'pending',
      sendCount: 1,
      expiresAt: '2026-01-08T00:00:00.000Z',
      events: [
        { seq: 1, type: 'created', at: '2026-01-01T00:00:00.000Z', by: 'user-bob' },
        { seq: 2, type: 'sent', at: '2026-01-01T00:00:00.000Z', by: 'user-bob' },
      ],
    });
  });

  test('drops the resend interval, reminder offsets and fallback the invitation keeps from its workspace', () => {
    const paced = {
      ...state,
      resendIntervalMs: 60_000,
      reminderOffsetsMs: [3 * DAY],
      fallback: { sms: 'email' as const },
    };

    expect(invitationView(paced)).toEqual(invitationView(state));
    expect(Object.keys(invitationView(paced))).not.toContain('fallback');
    expect(Object.keys(invitationView(paced))).not.toEqual(expect.arrayContaining(['resendIntervalMs']));
    expect(Object.keys(invitationView(paced))).not.toEqual(expect.arrayContaining(['reminderOffsetsMs']));
  });

  test('leaves the state itself untouched', () => {
    invitationView(state);

    expect(state.ttlMs).toBe(7 * DAY);
  });
});
