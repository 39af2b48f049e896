import type { z } from 'zod';
import { DAY, HOUR } from '../../../domain/duration';
import {
  acceptInvitationSchema,
  createInvitationSchema,
  declineInvitationSchema,
  maxInvitationTtl,
  minInvitationTtl,
  invitationActionSchema,
} from '../../../domain/invitation-input';

const inviter = { userId: 'user-bob', roles: ['admin'] };
const minimal = { invitee: { email: 'ana@example.org' }, inviter };

/** The issue paths of a failed parse; fails the test when the parse succeeds. */
function issuePaths(result: z.ZodSafeParseResult<unknown>): PropertyKey[][] {
  expect(result.success).toBe(false);
  return result.error?.issues.map((issue) => issue.path) ?? [];
}

describe('createInvitationSchema', () => {
  describe('a minimal valid input', () => {
    test('is accepted, with send defaulting to true and groups to []', () => {
      const result = createInvitationSchema.safeParse(minimal);

      expect(result.success).toBe(true);
      expect(result.data).toEqual({
        invitee: { email: 'ana@example.org' },
        inviter: { userId: 'user-bob', roles: ['admin'] },
        groups: [],
        send: true,
      });
    });

    test('leaves roles, channels, expiresIn and locale unset when not given', () => {
      const data = createInvitationSchema.parse(minimal);

      expect(data.roles).toBeUndefined();
      expect(data.channels).toBeUndefined();
      expect(data.expiresIn).toBeUndefined();
      expect(data.locale).toBeUndefined();
    });

    test('keeps send: false', () => {
      expect(createInvitationSchema.parse({ ...minimal, send: false }).send).toBe(false);
    });

    test('keeps the given groups, trimmed', () => {
      expect(createInvitationSchema.parse({ ...minimal, groups: [' eng ', 'ops'] }).groups).toEqual(['eng', 'ops']);
    });

    test('accepts a full input and trims text fields', () => {
      const data = createInvitationSchema.parse({
        invitee: {
          email: 'ana@example.org',
          phone: '+33 6 12 34 56 78',
          name: '  Ana  ',
          userId: ' user-ana ',
          phoneConsent: true,
        },
        roles: [' member '],
        groups: ['eng'],
        channels: ['email', 'sms'],
        inviter: { userId: ' user-bob ', roles: ['admin'], name: ' Bob ' },
        send: false,
        expiresIn: ' 36h ',
        locale: ' fr ',
      });

      expect(data).toEqual({
        invitee: {
          email: 'ana@example.org',
          phone: '+33612345678',
          name: 'Ana',
          userId: 'user-ana',
          phoneConsent: true,
        },
        roles: ['member'],
        groups: ['eng'],
        channels: ['email', 'sms'],
        inviter: { userId: 'user-bob', roles: ['admin'], name: 'Bob' },
        send: false,
        expiresIn: '36h',
        locale: 'fr',
      });
    });
  });

  describe('invitee', () => {
    test('needs at least one of email, phone or userId', () => {
      const result = createInvitationSchema.safeParse({ invitee: {}, inviter });

      expect(issuePaths(result)).toEqual([['invitee']]);
      expect(result.error?.issues[0]?.message).toBe('needs at least one of email, phone or userId');
    });

    test('a name alone is not enough', () => {
      expect(issuePaths(createInvitationSchema.safeParse({ invitee: { name: 'Ana' }, inviter }))).toEqual([
        ['invitee'],
      ]);
    });

    test.each([
      ['an email', { email: 'ana@example.org' }],
      ['a phone (with consent)', { phone: '+33612345678', phoneConsent: true }],
      ['a userId', { userId: 'user-ana' }],
    ])('%s alone is enough', (_label, invitee) => {
      expect(createInvitationSchema.safeParse({ invitee, inviter }).success).toBe(true);
    });

    test('an invalid email is reported at invitee.email', () => {
      const result = createInvitationSchema.safeParse({ invitee: { email: 'not-an-email' }, inviter });

      expect(issuePaths(result)).toEqual([['invitee', 'email']]);
    });

    test('an email over 254 characters is refused', () => {
      const email = `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}.org`;
      expect(email.length).toBeGreaterThan(254);

      expect(issuePaths(createInvitationSchema.safeParse({ invitee: { email }, inviter }))).toContainEqual([
        'invitee',
        'email',
      ]);
    });

    test.each([undefined, false])('a phone without consent (%s) is refused at invitee.phoneConsent', (phoneConsent) => {
      const result = createInvitationSchema.safeParse({ invitee: { phone: '+33612345678', phoneConsent }, inviter });

      expect(issuePaths(result)).toEqual([['invitee', 'phoneConsent']]);
      expect(result.error?.issues[0]?.message).toBe(
        'must be true to store a phone number: the invitee agreed to its use',
      );
    });

    test('a national number is read in phoneCountry, which is not kept', () => {
      const data = createInvitationSchema.parse({
        invitee: { phone: '06 12 34 56 78', phoneCountry: 'fr', phoneConsent: true },
        inviter,
      });

      expect(data.invitee).toEqual({ phone: '+33612345678', phoneConsent: true });
    });

    test('a phone number is normalised to E.164', () => {
      const data = createInvitationSchema.parse({
        invitee: { phone: '+33 6 12 34 56 78', phoneConsent: true },
        inviter,
      });

      expect(data.invitee.phone).toBe('+33612345678');
    });

    test('a phone number with surrounding blanks and punctuation is normalised too', () => {
      const data = createInvitationSchema.parse({
        invitee: { phone: '  +1 (212) 736-5000 ', phoneConsent: true },
        inviter,
      });

      expect(data.invitee.phone).toBe('+12127365000');
    });

    test.each(['12345', 'not a phone', '+33 1', '0612345678' /* national form: no country to read it in */])(
      'the invalid phone %j is refused at invitee.phone',
      (phone) => {
        const result = createInvitationSchema.safeParse({ invitee: { phone }, inviter });

        expect(issuePaths(result)).toContainEqual(['invitee', 'phone']);
        const issue = result.error?.issues.find((i) => i.path.join('.') === 'invitee.phone');
        expect(issue?.message).toBe('must be a valid international phone number, e.g. +33612345678');
      },
    );
  });

  describe('channels', () => {
    test('the email channel needs an invitee email', () => {
      const result = createInvitationSchema.safeParse({
        invitee: { phone: '+33612345678', phoneConsent: true },
        channels: ['email'],
        inviter,
      });

      expect(issuePaths(result)).toEqual([['invitee', 'email']]);
      expect(result.error?.issues[0]?.message).toBe('is required to send by email');
    });

    test('the sms channel needs an invitee phone', () => {
      const result = createInvitationSchema.safeParse({
        invitee: { email: 'ana@example.org' },
        channels: ['sms'],
        inviter,
      });

      expect(issuePaths(result)).toEqual([['invitee', 'phone']]);
      expect(result.error?.issues[0]?.message).toBe('is required to send by SMS');
    });

    test('both channels with only a userId report both missing fields', () => {
      const result = createInvitationSchema.safeParse({
        invitee: { userId: 'u' },
        channels: ['email', 'sms'],
        inviter,
      });

      expect(issuePaths(result)).toEqual([
        ['invitee', 'email'],
        ['invitee', 'phone'],
      ]);
    });

    test('both channels with email and phone are accepted', () => {
      const result = createInvitationSchema.safeParse({
        invitee: { email: 'ana@example.org', phone: '+33612345678', phoneConsent: true },
        channels: ['email', 'sms'],
        inviter,
      });

      expect(result.success).toBe(true);
    });

    test('an empty channel list needs no contact beyond the invitee rule', () => {
      expect(createInvitationSchema.safeParse({ invitee: { userId: 'u' }, channels: [], inviter }).success).toBe(true);
    });

    test('an unknown channel is refused', () => {
      expect(issuePaths(createInvitationSchema.safeParse({ ...minimal, channels: ['fax'] }))).toEqual([
        ['channels', 0],
      ]);
    });
  });

  describe('expiresIn', () => {
    test('the limits are one hour and ninety days', () => {
      expect(minInvitationTtl).toBe(HOUR);
      expect(maxInvitationTtl).toBe(90 * DAY);
    });

    test.each(['1h', '60m', '36h', '7d', '2w', '90d'])('%j is accepted', (expiresIn) => {
      expect(createInvitationSchema.parse({ ...minimal, expiresIn }).expiresIn).toBe(expiresIn);
    });

    test.each(['30m', '59m', '91d', '1y', 'soon', '-7d', '0d'])('%j is refused at expiresIn', (expiresIn) => {
      const result = createInvitationSchema.safeParse({ ...minimal, expiresIn });

      expect(issuePaths(result)).toEqual([['expiresIn']]);
      expect(result.error?.issues[0]?.message).toBe('must be a duration between "1h" and "90d"');
    });

    test.each(['', '   '])('%j is refused at expiresIn rather than throwing', (expiresIn) => {
      const result = createInvitationSchema.safeParse({ ...minimal, expiresIn });

      expect(issuePaths(result)).toEqual([['expiresIn']]);
    });
  });

  describe('roles and inviter', () => {
    test('an empty roles list is refused (omit it to use the default role)', () => {
      expect(issuePaths(createInvitationSchema.safeParse({ ...minimal, roles: [] }))).toEqual([['roles']]);
    });

    test('a blank role name is refused', () => {
      expect(issuePaths(createInvitationSchema.safeParse({ ...minimal, roles: ['  '] }))).toEqual([['roles', 0]]);
    });

    test('more than 32 roles are refused', () => {
      const roles = Array.from({ length: 33 }, (_, i) => `role-${i}`);

      expect(issuePaths(createInvitationSchema.safeParse({ ...minimal, roles }))).toEqual([['roles']]);
    });

    test('the inviter is required', () => {
      expect(issuePaths(createInvitationSchema.safeParse({ invitee: { email: 'ana@example.org' } }))).toContainEqual([
        'inviter',
      ]);
    });

    test('the inviter needs a userId', () => {
      const result = createInvitationSchema.safeParse({ ...minimal, inviter: { userId: ' ', roles: ['admin'] } });

      expect(issuePaths(result)).toEqual([['inviter', 'userId']]);
    });
  });

  test('a locale shorter than two characters is refused', () => {
    expect(issuePaths(createInvitationSchema.safeParse({ ...minimal, locale: 'f' }))).toEqual([['locale']]);
  });
});

describe('acceptInvitationSchema', () => {
  test('accepts a token and a userId, trimming the userId', () => {
    expect(acceptInvitationSchema.parse({ token: 'inv_x.mac', userId: ' user-ana ' })).toEqual({
      token: 'inv_x.mac',
      userId: 'user-ana',
    });
  });

  test('accepts an optional free-form profile', () => {
    const data = acceptInvitationSchema.parse({
      token: 't',
      userId: 'u',
      profile: { name: 'Ana', age: 30, tags: ['a'] },
    });

    expect(data.profile).toEqual({ name: 'Ana', age: 30, tags: ['a'] });
  });

  test('refuses a profile that is not an object', () => {
    expect(issuePaths(acceptInvitationSchema.safeParse({ token: 't', userId: 'u', profile: 'Ana' }))).toEqual([
      ['profile'],
    ]);
  });

  test('refuses a missing or empty token', () => {
    expect(issuePaths(acceptInvitationSchema.safeParse({ userId: 'u' }))).toEqual([['token']]);
    expect(issuePaths(acceptInvitationSchema.safeParse({ token: '', userId: 'u' }))).toEqual([['token']]);
  });

  test('refuses a token over 512 characters, accepts one of exactly 512', () => {
    expect(acceptInvitationSchema.safeParse({ token: 't'.repeat(512), userId: 'u' }).success).toBe(true);
    expect(issuePaths(acceptInvitationSchema.safeParse({ token: 't'.repeat(513), userId: 'u' }))).toEqual([['token']]);
  });

  test('refuses a blank userId', () => {
    expect(issuePaths(acceptInvitationSchema.safeParse({ token: 't', userId: '   ' }))).toEqual([['userId']]);
  });
});

describe('declineInvitationSchema and invitationActionSchema', () => {
  test('decline needs a token', () => {
    expect(declineInvitationSchema.parse({ token: 't' })).toEqual({ token: 't' });
    expect(issuePaths(declineInvitationSchema.safeParse({}))).toEqual([['token']]);
  });

  test('revoke takes an optional, trimmed `by`', () => {
    expect(invitationActionSchema.parse({})).toEqual({});
    expect(invitationActionSchema.parse({ by: ' user-bob ' })).toEqual({ by: 'user-bob' });
    expect(issuePaths(invitationActionSchema.safeParse({ by: ' ' }))).toEqual([['by']]);
  });
});
