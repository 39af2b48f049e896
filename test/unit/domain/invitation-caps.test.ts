import { capRefusal, invitationCapsSchema, noCaps, type CapUsage } from '../../../domain/invitation-caps';

const now = new Date('2026-12-04T12:00:00Z');
const hoursAgo = (hours: number) => new Date(now.getTime() - hours * 3_600_000);
const usage = (overrides: Partial<CapUsage> = {}): CapUsage => ({
  byInviter: { count: 0, oldest: null },
  inWorkspace: { count: 0, oldest: null },
  open: 0,
  ...overrides,
});

test('every cap is off by default, and a set one must be a positive whole number', () => {
  expect(invitationCapsSchema.parse(undefined)).toEqual(noCaps);
  expect(invitationCapsSchema.parse({ openInvitations: 3 })).toMatchObject({ openInvitations: 3 });
  for (const bad of [0, -1, 1.5, '10']) {
    expect(invitationCapsSchema.safeParse({ invitationsPerDay: bad }).success).toBe(false);
  }
});

test('without caps anything goes', () => {
  expect(capRefusal(noCaps, usage({ byInviter: { count: 10_000, oldest: now }, open: 10_000 }), now)).toBeUndefined();
});

test('an inviter at its daily cap waits until its oldest invitation of the window is 24 hours old', () => {
  const caps = { ...noCaps, invitationsPerInviterPerDay: 2 };
  expect(capRefusal(caps, usage({ byInviter: { count: 1, oldest: hoursAgo(5) } }), now)).toBeUndefined();
  const refused = capRefusal(caps, usage({ byInviter: { count: 2, oldest: hoursAgo(20) } }), now);
  expect(refused).toMatchObject({ code: 'invitation_cap_reached', retryAfterSeconds: 4 * 3600 });
});

test('the workspace cap counts every inviter', () => {
  const caps = { ...noCaps, invitationsPerDay: 100 };
  const refused = capRefusal(caps, usage({ inWorkspace: { count: 100, oldest: hoursAgo(23.5) } }), now);
  expect(refused).toMatchObject({ code: 'invitation_cap_reached', retryAfterSeconds: 1800 });
  expect(refused?.message).toContain('the workspace');
});

test('Retry-After is never below one second', () => {
  const caps = { ...noCaps, invitationsPerDay: 1 };
  expect(capRefusal(caps, usage({ inWorkspace: { count: 1, oldest: hoursAgo(24) } }), now)?.retryAfterSeconds).toBe(1);
});

test('the open cap is a 409 without Retry-After: it lifts when invitations close, not with time', () => {
  const caps = { ...noCaps, openInvitations: 5 };
  expect(capRefusal(caps, usage({ open: 4 }), now)).toBeUndefined();
  const refused = capRefusal(caps, usage({ open: 5 }), now);
  expect(refused).toMatchObject({ code: 'open_invitations_cap_reached', retryAfterSeconds: undefined });
});
