import type { Inviter } from '../../../domain/invitation';
import { checkMayInvite } from '../../../domain/policies';
import { workspaceSettingsSchema } from '../../../domain/workspace';
import { violationOf } from '../../support/thrown';

const settings = workspaceSettingsSchema.parse({
  inviterRoles: ['admin', 'manager'],
  roles: ['admin', 'member', 'viewer'],
});

const inviter = (...roles: string[]): Inviter => ({ userId: 'user-bob', roles });

describe('checkMayInvite', () => {
  test('an inviter holding an allowed role may grant workspace roles', () => {
    expect(checkMayInvite(settings, inviter('admin'), ['member', 'viewer'])).toBeUndefined();
  });

  test('any one allowed role among the inviter’s roles is enough', () => {
    expect(() => checkMayInvite(settings, inviter('member', 'manager'), ['member'])).not.toThrow();
  });

  test('granting no role at all is allowed', () => {
    expect(() => checkMayInvite(settings, inviter('admin'), [])).not.toThrow();
  });

  test('with the default settings, only admins may invite', () => {
    const defaults = workspaceSettingsSchema.parse({});

    expect(() => checkMayInvite(defaults, inviter('admin'), ['member'])).not.toThrow();
    expect(violationOf(() => checkMayInvite(defaults, inviter('member'), ['member'])).code).toBe('inviter_not_allowed');
  });

  test('an inviter without an allowed role is refused with inviter_not_allowed at /inviter/roles', () => {
    const violation = violationOf(() => checkMayInvite(settings, inviter('member', 'viewer'), ['member']));

    expect(violation.code).toBe('inviter_not_allowed');
    expect(violation.field).toBe('/inviter/roles');
    expect(violation.message).toBe('only members with one of the roles admin, manager may invite');
  });

  test('an inviter with no roles is refused', () => {
    expect(violationOf(() => checkMayInvite(settings, inviter(), ['member'])).code).toBe('inviter_not_allowed');
  });

  test('roles match exactly: "Admin" is not "admin"', () => {
    expect(violationOf(() => checkMayInvite(settings, inviter('Admin'), ['member'])).code).toBe('inviter_not_allowed');
  });

  test('an unknown granted role is refused with unknown_role at /roles/<index>', () => {
    const violation = violationOf(() => checkMayInvite(settings, inviter('admin'), ['member', 'viewer', 'superuser']));

    expect(violation.code).toBe('unknown_role');
    expect(violation.field).toBe('/roles/2');
    expect(violation.message).toBe('role "superuser" does not exist in this workspace');
  });

  test('the first unknown role is the one reported', () => {
    const violation = violationOf(() => checkMayInvite(settings, inviter('admin'), ['ghost', 'member', 'phantom']));

    expect(violation.field).toBe('/roles/0');
    expect(violation.message).toContain('"ghost"');
  });

  test('an inviter role is not a grantable role unless the workspace lists it', () => {
    // "manager" may invite, but is not one of the workspace's roles.
    const violation = violationOf(() => checkMayInvite(settings, inviter('manager'), ['manager']));

    expect(violation.code).toBe('unknown_role');
    expect(violation.field).toBe('/roles/0');
  });

  test('the inviter is checked before the roles', () => {
    expect(violationOf(() => checkMayInvite(settings, inviter('viewer'), ['ghost'])).code).toBe('inviter_not_allowed');
  });
});

describe('role grants (settings.grants)', () => {
  const graded = workspaceSettingsSchema.parse({
    inviterRoles: ['admin', 'manager'],
    roles: ['admin', 'manager', 'member'],
    grants: { manager: ['member'] },
  });

  test('an inviter role without a grants entry grants every role', () => {
    expect(() => checkMayInvite(graded, inviter('admin'), ['admin', 'manager', 'member'])).not.toThrow();
  });

  test('a listed inviter role grants only its roles; the refusal names the role’s place', () => {
    expect(() => checkMayInvite(graded, inviter('manager'), ['member'])).not.toThrow();
    const violation = violationOf(() => checkMayInvite(graded, inviter('manager'), ['member', 'admin']));
    expect(violation.code).toBe('role_not_grantable');
    expect(violation.field).toBe('/roles/1');
  });

  test('any of the inviter’s roles may grant it', () => {
    expect(() => checkMayInvite(graded, inviter('manager', 'admin'), ['admin'])).not.toThrow();
  });

  test('grants must name inviter roles and workspace roles', () => {
    const result = workspaceSettingsSchema.safeParse({
      inviterRoles: ['admin'],
      roles: ['admin', 'member'],
      grants: { member: ['member'], admin: ['owner'] },
    });
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((issue) => issue.path.join('.')).sort()).toEqual([
      'grants.admin.0',
      'grants.member',
    ]);
  });
});
