import { RuleViolation } from '../../../domain/error-codes';
import { memberChanges, type MemberView } from '../../../domain/member';
import { listMembersQuerySchema, updateMemberSchema } from '../../../domain/member-input';
import { checkKnownRoles } from '../../../domain/policies';
import { workspaceSettingsSchema } from '../../../domain/workspace';

const member: MemberView = {
  workspaceId: 'acme',
  userId: 'user-ana',
  roles: ['member'],
  groups: ['eng'],
  status: 'active',
  joinedVia: 'invitation',
  joinedAt: '2026-01-02T03:04:05.000Z',
  expiresAt: null,
  sponsor: null,
};

describe('memberChanges', () => {
  test('names each changed field with its value before and after', () => {
    expect(memberChanges(member, { roles: ['admin'], status: 'disabled' })).toEqual({
      roles: { from: ['member'], to: ['admin'] },
      status: { from: 'active', to: 'disabled' },
    });
  });

  test('leaves out fields set to the value they already have', () => {
    expect(memberChanges(member, { roles: ['member'], groups: ['eng', 'ops'], status: 'active' })).toEqual({
      groups: { from: ['eng'], to: ['eng', 'ops'] },
    });
    expect(memberChanges(member, { roles: ['member'], groups: ['eng'] })).toEqual({});
  });

  test('order within a list counts, as the list is stored as given', () => {
    const twoRoles = { ...member, roles: ['admin', 'member'] };
    expect(memberChanges(twoRoles, { roles: ['member', 'admin'] })).toEqual({
      roles: { from: ['admin', 'member'], to: ['member', 'admin'] },
    });
  });

  test('an emptied list is a change', () => {
    expect(memberChanges(member, { groups: [] })).toEqual({ groups: { from: ['eng'], to: [] } });
  });
});

describe('checkKnownRoles', () => {
  const settings = workspaceSettingsSchema.parse({ roles: ['admin', 'member'] });

  test('passes the workspace roles', () => {
    expect(() => checkKnownRoles(settings, ['member', 'admin'])).not.toThrow();
  });

  test('names the first unknown role by its index', () => {
    let violation: unknown;
    try {
      checkKnownRoles(settings, ['member', 'owner', 'ghost']);
    } catch (error) {
      violation = error;
    }
    expect(violation).toBeInstanceOf(RuleViolation);
    expect(violation).toMatchObject({ code: 'unknown_role', field: '/roles/1' });
  });
});

describe('updateMemberSchema', () => {
  test('takes any one of roles, groups and status alone', () => {
    expect(updateMemberSchema.parse({ roles: [' admin '] })).toEqual({ roles: ['admin'] });
    expect(updateMemberSchema.parse({ groups: [] })).toEqual({ groups: [] });
    expect(updateMemberSchema.parse({ status: 'disabled' })).toEqual({ status: 'disabled' });
  });

  test('refuses a patch that sets nothing, unknown fields alone included', () => {
    expect(updateMemberSchema.safeParse({}).success).toBe(false);
    expect(updateMemberSchema.safeParse({ name: 'Ana' }).success).toBe(false);
  });

  test('refuses an empty role list and statuses a member cannot have', () => {
    expect(updateMemberSchema.safeParse({ roles: [] }).error?.issues.map((issue) => issue.path)).toEqual([['roles']]);
    expect(updateMemberSchema.safeParse({ status: 'removed' }).error?.issues.map((issue) => issue.path)).toEqual([
      ['status'],
    ]);
  });
});

describe('listMembersQuerySchema', () => {
  test('defaults the page size to 50 and reads it from the query string', () => {
    expect(listMembersQuerySchema.parse({})).toEqual({ limit: 50 });
    expect(listMembersQuerySchema.parse({ limit: '1', role: 'admin', group: 'eng', status: 'active' })).toEqual({
      limit: 1,
      role: 'admin',
      group: 'eng',
      status: 'active',
    });
  });

  test('keeps the page size between 1 and 200', () => {
    expect(listMembersQuerySchema.safeParse({ limit: '0' }).success).toBe(false);
    expect(listMembersQuerySchema.safeParse({ limit: '201' }).success).toBe(false);
  });
});
