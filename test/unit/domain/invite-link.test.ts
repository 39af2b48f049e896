import { linkExpiry, linkStatus, linkTokenHash, mayRedeem, type InviteLink } from '../../../domain/invite-link';
import { violationOf } from '../../support/thrown';

const now = new Date('2026-12-04T12:00:00Z');
const week = 7 * 86_400_000;

test('a link lives linkTtlMax unless it says less; more, or the past, is refused at /expiresAt', () => {
  expect(linkExpiry(undefined, week, now)).toEqual(new Date(now.getTime() + week));
  const tomorrow = new Date(now.getTime() + 86_400_000);
  expect(linkExpiry(tomorrow, week, now)).toEqual(tomorrow);
  for (const refused of [new Date(now.getTime() + week + 1), now, new Date(now.getTime() - 1)]) {
    expect(violationOf(() => linkExpiry(refused, week, now))).toMatchObject({
      code: 'validation_failed',
      field: '/expiresAt',
    });
  }
});

const link = (overrides: Partial<InviteLink> = {}): InviteLink => ({
  id: 'lnk_1',
  workspaceId: 'w',
  token: 't',
  roles: ['member'],
  groups: [],
  maxUses: null,
  uses: 0,
  expiresAt: new Date(now.getTime() + 1000),
  allowedEmailDomains: [],
  disabled: false,
  createdAt: now,
  ...overrides,
});

test('a link is usable until disabled, expired or used up', () => {
  expect(linkStatus(link(), now)).toBe('usable');
  expect(linkStatus(link({ disabled: true }), now)).toBe('disabled');
  expect(linkStatus(link({ expiresAt: now }), now)).toBe('expired');
  expect(linkStatus(link({ maxUses: 3, uses: 3 }), now)).toBe('exhausted');
});

test('allowed domains take a verified email of one of them, in any case', () => {
  const some = link({ allowedEmailDomains: ['acme.example'] });
  expect(mayRedeem(link(), { emailVerified: false })).toBe(true);
  expect(mayRedeem(some, { email: 'a@ACME.example', emailVerified: true })).toBe(true);
  expect(mayRedeem(some, { email: 'a@acme.example', emailVerified: false })).toBe(false);
  expect(mayRedeem(some, { email: 'a@eu.acme.example', emailVerified: true })).toBe(false);
  expect(mayRedeem(some, { emailVerified: true })).toBe(false);
});

test('tokens are looked up by a hash keyed with the secret', () => {
  expect(linkTokenHash('s1', 'token')).toBe(linkTokenHash('s1', 'token'));
  expect(linkTokenHash('s1', 'token')).not.toBe(linkTokenHash('s2', 'token'));
  expect(linkTokenHash('s1', 'token')).not.toContain('token');
});
