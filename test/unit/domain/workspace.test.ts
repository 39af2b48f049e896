import type { z } from 'zod';
import { keptFromWorkspace } from '../../../domain/new-invitation';
import { DAY, MINUTE, parseDuration } from '../../../domain/duration';
import {
  acceptLink,
  channelSchema,
  maxReminders,
  upsertWorkspaceSchema,
  workspaceIdSchema,
  workspaceSettingsSchema,
  type WorkspaceSettings,
} from '../../../domain/workspace';

/** The issue paths of a failed parse; fails the test when the parse succeeds. */
function issuePaths(result: z.ZodSafeParseResult<unknown>): PropertyKey[][] {
  expect(result.success).toBe(false);
  return result.error?.issues.map((issue) => issue.path) ?? [];
}

const defaults = (): WorkspaceSettings => workspaceSettingsSchema.parse({});

describe('workspaceSettingsSchema', () => {
  test('an empty object gets every default', () => {
    expect(workspaceSettingsSchema.parse({})).toEqual({
      invitationTtl: '7d',
      resendInterval: '1m',
      reminders: [],
      inviterRoles: ['admin'],
      roles: ['admin', 'member'],
      defaultRole: 'member',
      codeJoinRole: 'member',
      seatLimit: null,
      caps: { invitationsPerInviterPerDay: null, invitationsPerDay: null, openInvitations: null },
      acceptUrl: null,
      signupUrl: null,
      linkUrl: null,
      linkTtlMax: '30d',
      membershipExpiryWarning: '3d',
      branding: { logoUrl: null, accentColor: null },
      locale: 'en',
      channels: ['email'],
      requireEmailMatch: false,
      grants: {},
      allowInviteRequests: false,
      autoJoin: null,
      fallback: {},
      app: null,
    });
  });

  test('given values replace the defaults', () => {
    const settings = workspaceSettingsSchema.parse({
      invitationTtl: '36h',
      resendInterval: '0s',
      reminders: ['3d', '6d'],
      inviterRoles: ['owner', 'manager'],
      roles: ['owner', 'manager', 'guest'],
      defaultRole: 'guest',
      codeJoinRole: 'manager',
      seatLimit: 25,
      caps: { invitationsPerInviterPerDay: 20, invitationsPerDay: 200, openInvitations: 500 },
      acceptUrl: 'https://app.example.com/join/{token}',
      signupUrl: 'https://app.example.com/signup?invitation={token}',
      branding: { logoUrl: 'https://cdn.example.com/logo.svg', accentColor: '#0f766e' },
      locale: 'fr',
      channels: ['email', 'sms'],
      fallback: { sms: 'email' },
      app: { name: 'Plant Ops', url: 'https://plant.example.com/app' },
    });

    expect(settings).toEqual({
      invitationTtl: '36h',
      resendInterval: '0s',
      reminders: ['3d', '6d'],
      inviterRoles: ['owner', 'manager'],
      roles: ['owner', 'manager', 'guest'],
      defaultRole: 'guest',
      codeJoinRole: 'manager',
      seatLimit: 25,
      caps: { invitationsPerInviterPerDay: 20, invitationsPerDay: 200, openInvitations: 500 },
      acceptUrl: 'https://app.example.com/join/{token}',
      signupUrl: 'https://app.example.com/signup?invitation={token}',
      linkUrl: null,
      linkTtlMax: '30d',
      membershipExpiryWarning: '3d',
      branding: { logoUrl: 'https://cdn.example.com/logo.svg', accentColor: '#0f766e' },
      locale: 'fr',
      channels: ['email', 'sms'],
      requireEmailMatch: false,
      grants: {},
      allowInviteRequests: false,
      autoJoin: null,
      fallback: { sms: 'email' },
      app: { name: 'Plant Ops', url: 'https://plant.example.com/app' },
    });
  });

  describe('acceptUrl', () => {
    test('must contain {token}', () => {
      const result = workspaceSettingsSchema.safeParse({ acceptUrl: 'https://app.example.com/join' });

      expect(issuePaths(result)).toEqual([['acceptUrl']]);
      expect(result.error?.issues[0]?.message).toBe('must contain {token}');
    });

    test.each(['https://app.example.com/join?token={token}', 'http://localhost:8080/i/{token}'])(
      '%s is accepted as given',
      (acceptUrl) => {
        expect(workspaceSettingsSchema.parse({ acceptUrl }).acceptUrl).toBe(acceptUrl);
      },
    );

    test.each(['ftp://example.com/{token}', 'javascript:alert("{token}")', 'not a url {token}'])(
      '%s is refused',
      (acceptUrl) => {
        expect(issuePaths(workspaceSettingsSchema.safeParse({ acceptUrl }))).toContainEqual(['acceptUrl']);
      },
    );

    test('an explicit null means "use the public base URL"', () => {
      expect(workspaceSettingsSchema.parse({ acceptUrl: null }).acceptUrl).toBeNull();
    });
  });

  describe('signupUrl and branding', () => {
    test('signupUrl must contain {token}, like acceptUrl', () => {
      expect(issuePaths(workspaceSettingsSchema.safeParse({ signupUrl: 'https://app.example.com/signup' }))).toEqual([
        ['signupUrl'],
      ]);
    });

    test.each(['http://cdn.example.com/logo.png', 'data:image/png;base64,AAAA', 'javascript:alert(1)'])(
      'a logo at %s is refused: https only',
      (logoUrl) => {
        expect(issuePaths(workspaceSettingsSchema.safeParse({ branding: { logoUrl } }))).toEqual([
          ['branding', 'logoUrl'],
        ]);
      },
    );

    test.each(['blue', '#fff', '#12345g', '#1234567', 'red; background: url(x)'])(
      'the accent colour %s is refused',
      (accentColor) => {
        expect(issuePaths(workspaceSettingsSchema.safeParse({ branding: { accentColor } }))).toEqual([
          ['branding', 'accentColor'],
        ]);
      },
    );
  });

  describe('defaultRole and codeJoinRole', () => {
    test('defaultRole must be one of the roles, reported at defaultRole', () => {
      const result = workspaceSettingsSchema.safeParse({ roles: ['admin', 'member'], defaultRole: 'owner' });

      expect(issuePaths(result)).toEqual([['defaultRole']]);
      expect(result.error?.issues[0]?.message).toBe('must be one of the workspace roles (got "owner")');
    });

    test('codeJoinRole must be one of the roles, reported at codeJoinRole', () => {
      expect(issuePaths(workspaceSettingsSchema.safeParse({ codeJoinRole: 'owner' }))).toEqual([['codeJoinRole']]);
    });

    test('custom roles without "member" need their own defaultRole and codeJoinRole', () => {
      expect(issuePaths(workspaceSettingsSchema.safeParse({ roles: ['owner', 'guest'] }))).toEqual([
        ['defaultRole'],
        ['codeJoinRole'],
      ]);
      expect(
        workspaceSettingsSchema.safeParse({ roles: ['owner', 'guest'], defaultRole: 'guest', codeJoinRole: 'guest' })
          .success,
      ).toBe(true);
    });

    test('role names are trimmed before the comparison', () => {
      const settings = workspaceSettingsSchema.parse({
        roles: [' owner ', 'guest'],
        defaultRole: 'owner ',
        codeJoinRole: ' guest',
      });

      expect(settings.roles).toEqual(['owner', 'guest']);
      expect(settings.defaultRole).toBe('owner');
      expect(settings.codeJoinRole).toBe('guest');
    });
  });

  test.each([
    ['roles', { roles: [] }],
    ['inviterRoles', { inviterRoles: [] }],
  ])('an empty %s list is refused', (field, input) => {
    expect(issuePaths(workspaceSettingsSchema.safeParse(input))).toContainEqual([field]);
  });

  test.each(['36h', '90m', '14d', '2w'])('invitationTtl %j is accepted', (invitationTtl) => {
    expect(workspaceSettingsSchema.parse({ invitationTtl }).invitationTtl).toBe(invitationTtl);
  });

  test.each(['forever', '-1d', '0d'])('invitationTtl %j is refused', (invitationTtl) => {
    const result = workspaceSettingsSchema.safeParse({ invitationTtl });

    expect(issuePaths(result)).toEqual([['invitationTtl']]);
    expect(result.error?.issues[0]?.message).toBe('must be a duration such as "7d", "36h" or "90m"');
  });

  test.each(['', '  '])('invitationTtl %j is refused rather than throwing', (invitationTtl) => {
    expect(issuePaths(workspaceSettingsSchema.safeParse({ invitationTtl }))).toEqual([['invitationTtl']]);
  });

  test.each([
    [0, false],
    [-1, false],
    [1.5, false],
    [1, true],
    [500, true],
  ])('seatLimit %d accepted: %s', (seatLimit, ok) => {
    expect(workspaceSettingsSchema.safeParse({ seatLimit }).success).toBe(ok);
  });

  test('channels accepts sms and refuses unknown channels', () => {
    expect(workspaceSettingsSchema.parse({ channels: ['sms'] }).channels).toEqual(['sms']);
    expect(issuePaths(workspaceSettingsSchema.safeParse({ channels: ['fax'] }))).toEqual([['channels', 0]]);
  });
});

describe('channelSchema', () => {
  test('knows exactly email and sms', () => {
    expect(channelSchema.options).toEqual(['email', 'sms']);
  });
});

describe('workspaceIdSchema', () => {
  test.each(['acme', 'a', '7', 'Acme_1.dev-2', 'x'.repeat(64)])('%j is accepted', (id) => {
    expect(workspaceIdSchema.safeParse(id).success).toBe(true);
  });

  test.each(['', '-acme', '_acme', '.acme', 'ac me', 'acme/1', 'acmé', 'ana@example.org', 'x'.repeat(65)])(
    '%j is refused',
    (id) => {
      const result = workspaceIdSchema.safeParse(id);

      expect(result.success).toBe(false);
      expect(result.error?.issues[0]?.message).toBe('must be 1-64 letters, digits, "_", "-" or "."');
    },
  );
});

describe('upsertWorkspaceSchema', () => {
  test('settings default to the workspace defaults; the name is trimmed', () => {
    expect(upsertWorkspaceSchema.parse({ name: ' Acme ' })).toEqual({ name: 'Acme', settings: defaults() });
  });

  test('a blank name is refused', () => {
    expect(issuePaths(upsertWorkspaceSchema.safeParse({ name: '  ' }))).toEqual([['name']]);
  });

  test('settings problems are reported under settings', () => {
    expect(issuePaths(upsertWorkspaceSchema.safeParse({ name: 'Acme', settings: { defaultRole: 'owner' } }))).toEqual([
      ['settings', 'defaultRole'],
    ]);
  });
});

describe('acceptLink', () => {
  test('without acceptUrl, uses the public base URL', () => {
    expect(acceptLink(defaults(), 'https://invites.example.com', 'inv_1.mac')).toBe(
      'https://invites.example.com/invitations/accept?token=inv_1.mac',
    );
  });

  test('a trailing slash on the public base URL does not double the slash', () => {
    expect(acceptLink(defaults(), 'https://invites.example.com/', 'inv_1.mac')).toBe(
      'https://invites.example.com/invitations/accept?token=inv_1.mac',
    );
  });

  test('keeps a path prefix of the public base URL', () => {
    expect(acceptLink(defaults(), 'http://localhost:3000/inviteflow/', 'inv_1.mac')).toBe(
      'http://localhost:3000/inviteflow/invitations/accept?token=inv_1.mac',
    );
  });

  test('a custom template replaces {token} and ignores the public base URL', () => {
    const settings = workspaceSettingsSchema.parse({ acceptUrl: 'https://app.example.com/join/{token}?src=invite' });

    expect(acceptLink(settings, 'https://invites.example.com', 'inv_1.mac')).toBe(
      'https://app.example.com/join/inv_1.mac?src=invite',
    );
  });

  test('every {token} in the template is replaced', () => {
    const settings = workspaceSettingsSchema.parse({ acceptUrl: 'https://app.example.com/{token}?again={token}' });

    expect(acceptLink(settings, 'https://x.example', 'abc')).toBe('https://app.example.com/abc?again=abc');
  });

  test('the token is URL-encoded', () => {
    const token = 'a b/c+d=e&f?g#h';

    expect(acceptLink(defaults(), 'https://invites.example.com', token)).toBe(
      'https://invites.example.com/invitations/accept?token=a%20b%2Fc%2Bd%3De%26f%3Fg%23h',
    );
  });

  test('a real base64url token passes through unchanged', () => {
    const token = 'inv_AbC-dEf_123.Zm9v-YmFy_YmF6';

    expect(acceptLink(defaults(), 'https://x.example', token)).toBe(
      `https://x.example/invitations/accept?token=${token}`,
    );
  });
});

describe('resendInterval', () => {
  test('defaults to one minute', () => {
    expect(defaults().resendInterval).toBe('1m');
    expect(parseDuration(defaults().resendInterval)).toBe(MINUTE);
  });

  test.each(['0s', '0', '30s', '2h'])('%j is accepted', (resendInterval) => {
    expect(workspaceSettingsSchema.parse({ resendInterval }).resendInterval).toBe(resendInterval);
  });

  test.each(['soon', '-1m', '', ' '])('%j is refused, reported at resendInterval', (resendInterval) => {
    const result = workspaceSettingsSchema.safeParse({ resendInterval });

    expect(issuePaths(result)).toEqual([['resendInterval']]);
    expect(result.error?.issues[0]?.message).toBe('must be a duration such as "1m" or "30s", or "0s" for none');
  });
});

describe('reminders', () => {
  test('default to none', () => {
    expect(defaults().reminders).toEqual([]);
  });

  test('ascending durations are accepted as given', () => {
    expect(workspaceSettingsSchema.parse({ reminders: ['36h', '3d', '6d'] }).reminders).toEqual(['36h', '3d', '6d']);
  });

  test.each([
    ['out of order', ['6d', '3d']],
    ['repeated', ['3d', '3d']],
    ['the same duration spelled twice', ['1d', '24h']],
  ])('%s is refused', (_, reminders) => {
    const result = workspaceSettingsSchema.safeParse({ reminders });

    expect(issuePaths(result)).toEqual([['reminders']]);
    expect(result.error?.issues[0]?.message).toBe('must be in ascending order, each once');
  });

  test(`at most ${maxReminders}`, () => {
    const reminders = ['1d', '2d', '3d', '4d', '5d', '6d'];

    expect(workspaceSettingsSchema.safeParse({ reminders: reminders.slice(0, maxReminders) }).success).toBe(true);
    expect(issuePaths(workspaceSettingsSchema.safeParse({ reminders: reminders.slice(0, maxReminders + 1) }))).toEqual([
      ['reminders'],
    ]);
  });

  test.each(['soon', '0d', '0s'])('a reminder of %j is refused, reported at its index', (text) => {
    expect(issuePaths(workspaceSettingsSchema.safeParse({ reminders: ['1d', text] }))).toContainEqual(['reminders', 1]);
  });
});

describe('keptFromWorkspace', () => {
  test('turns the settings into the milliseconds an invitation keeps', () => {
    expect(
      keptFromWorkspace(
        workspaceSettingsSchema.parse({ resendInterval: '5m', reminders: ['3d', '6d'], invitationTtl: '2d' }),
      ),
    ).toMatchObject({ ttlMs: 2 * DAY, resendIntervalMs: 5 * MINUTE, reminderOffsetsMs: [3 * DAY, 6 * DAY] });
  });

  test('"0s" is no limit, and expiresIn wins over the workspace TTL', () => {
    const kept = keptFromWorkspace(workspaceSettingsSchema.parse({ resendInterval: '0s' }), '3d');
    expect([kept.resendIntervalMs, kept.ttlMs]).toEqual([0, 3 * DAY]);
  });

  test('the defaults give seven days, one minute and no reminders', () => {
    expect(keptFromWorkspace(defaults())).toMatchObject({
      ttlMs: 7 * DAY,
      resendIntervalMs: MINUTE,
      reminderOffsetsMs: [],
    });
  });
});
