import { defaultChannels, fallbackChannel, reachableOn, reportFallsBack } from '../../../domain/channels';
import {
  createInvitation,
  messageOf,
  transition,
  type InvitationState,
  type NewInvitation,
} from '../../../domain/invitation';

const T0 = new Date('2026-01-01T00:00:00Z');
const later = (minutes: number): Date => new Date(T0.getTime() + minutes * 60_000);

const ana = { email: 'ana@example.org', phone: '+33612345678', name: 'Ana', userId: null };

function sent(overrides: Partial<NewInvitation> = {}): InvitationState {
  const created = createInvitation(
    {
      id: 'inv_fallback',
      workspaceId: 'acme',
      invitee: ana,
      roles: ['member'],
      groups: [],
      channels: ['sms'],
      inviter: { userId: 'u-admin', roles: ['admin'] },
      locale: null,
      ttlMs: 7 * 24 * 3_600_000,
      resendIntervalMs: 0,
      reminderOffsetsMs: [],
      fallback: { sms: 'email' },
      ...overrides,
    },
    T0,
  );
  return transition(created, { type: 'send' }, later(1));
}

describe('reachableOn', () => {
  test('needs an address for email and a number for SMS', () => {
    expect(reachableOn({ email: 'a@example.org', phone: null }, 'email')).toBe(true);
    expect(reachableOn({ email: 'a@example.org', phone: null }, 'sms')).toBe(false);
    expect(reachableOn({ email: null, phone: '+33612345678' }, 'sms')).toBe(true);
    expect(reachableOn({ email: null, phone: '+33612345678' }, 'email')).toBe(false);
  });
});

describe('defaultChannels', () => {
  test('keeps the workspace channels the invitee can be reached on, in order', () => {
    expect(defaultChannels(['sms', 'email'], ana)).toEqual(['sms', 'email']);
    expect(defaultChannels(['email', 'sms'], { ...ana, email: null })).toEqual(['sms']);
  });

  test('is empty (link only) when the invitee has none of them', () => {
    expect(defaultChannels(['email'], { ...ana, email: null })).toEqual([]);
  });
});

describe('fallbackChannel', () => {
  test('a failed SMS of the latest send falls back to email', () => {
    const state = sent();

    expect(fallbackChannel(state, 'sms', messageOf(state))).toBe('email');
  });

  test('not without a fallback configured for that channel', () => {
    const state = sent({ fallback: {} });

    expect(fallbackChannel(state, 'sms', messageOf(state))).toBeUndefined();
    expect(fallbackChannel(sent({ fallback: undefined }), 'sms', messageOf(state))).toBeUndefined();
  });

  test('not to a channel the message already went on', () => {
    const state = sent({ channels: ['sms', 'email'] });

    expect(fallbackChannel(state, 'sms', messageOf(state))).toBeUndefined();
  });

  test('not to a channel the invitee has no address on', () => {
    const state = sent({ invitee: { ...ana, email: null } });

    expect(fallbackChannel(state, 'sms', messageOf(state))).toBeUndefined();
  });

  test('not for a message a resend has overtaken, nor once the invitation is accepted', () => {
    const first = sent();
    const resent = transition(first, { type: 'resend' }, later(2));
    const accepted = transition(first, { type: 'accept', userId: 'u-ana' }, later(2));

    expect(fallbackChannel(resent, 'sms', messageOf(first))).toBeUndefined();
    expect(fallbackChannel(resent, 'sms', messageOf(resent))).toBe('email');
    expect(fallbackChannel(accepted, 'sms', messageOf(first))).toBeUndefined();
  });
});

describe('delivery reports', () => {
  const sid = `SM${'a1'.repeat(16)}`;

  test('a delivered SMS is recorded once, with the message id, however often Twilio repeats it', () => {
    const state = sent();
    const report = { type: 'reportDelivery', channel: 'sms', messageId: sid, delivered: true } as const;
    const once = transition(state, report, later(3));
    const twice = transition(once, report, later(4));

    expect(once.events.at(-1)).toEqual({
      seq: 3,
      type: 'delivered',
      at: later(3).toISOString(),
      by: null,
      detail: 'sms',
      messageId: sid,
    });
    expect(twice).toBe(once);
  });

  test('a failure report is a delivery_failed event with the reason, and leaves the invitation pending', () => {
    const failed = transition(
      sent(),
      {
        type: 'reportDelivery',
        channel: 'sms',
        messageId: sid,
        delivered: false,
        reason: 'Twilio reported the SMS undelivered (error 30003)',
      },
      later(3),
    );

    expect(failed.status).toBe('pending');
    expect(failed.events.at(-1)).toMatchObject({
      type: 'delivery_failed',
      detail: 'sms: Twilio reported the SMS undelivered (error 30003)',
      messageId: sid,
    });
  });
});

describe('reportFallsBack', () => {
  test.each([
    [{ delivered: false }, true],
    [{ delivered: false, bounceType: 'hard' as const }, true],
    [{ delivered: false, bounceType: 'soft' as const }, false],
    [{ delivered: false, complaint: true }, false],
    [{ delivered: true }, false],
  ])('%j falls back: %s', (report, expected) => {
    expect(reportFallsBack(report)).toBe(expected);
  });
});
