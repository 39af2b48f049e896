import { checkMayApprove, inviteOrRequest } from '../../../domain/invite-requests';
import { workspaceSettingsSchema } from '../../../domain/workspace';
import { violationOf } from '../../support/thrown';

const closed = workspaceSettingsSchema.parse({});
const open = workspaceSettingsSchema.parse({ allowInviteRequests: true });
const admin = { userId: 'u-admin', roles: ['admin'] };
const member = { userId: 'u-member', roles: ['member'] };

describe('allowInviteRequests', () => {
  test('defaults to false', () => {
    expect(closed.allowInviteRequests).toBe(false);
  });
});

describe('inviteOrRequest', () => {
  test('an inviter invites, whether requests are allowed or not', () => {
    expect(inviteOrRequest(closed, admin, ['member'])).toBe('invite');
    expect(inviteOrRequest(open, admin, ['member'])).toBe('invite');
  });

  test('a member asks when the workspace allows requests', () => {
    expect(inviteOrRequest(open, member, ['member'])).toBe('request');
  });

  test('a member is refused when it does not', () => {
    expect(violationOf(() => inviteOrRequest(closed, member, ['member']))).toMatchObject({
      code: 'inviter_not_allowed',
      field: '/inviter/roles',
    });
  });

  test('a request still names only workspace roles', () => {
    expect(violationOf(() => inviteOrRequest(open, member, ['member', 'owner']))).toMatchObject({
      code: 'unknown_role',
      field: '/roles/1',
    });
  });
});

describe('checkMayApprove', () => {
  test('an inviter may approve', () => {
    expect(() => checkMayApprove(open, admin, ['member'])).not.toThrow();
  });

  test('anyone else is refused, the approver’s roles named', () => {
    expect(violationOf(() => checkMayApprove(open, member, ['member']))).toMatchObject({
      code: 'inviter_not_allowed',
      field: '/approver/roles',
    });
  });

  test('roles the workspace no longer has are refused', () => {
    expect(violationOf(() => checkMayApprove(open, admin, ['gone']))).toMatchObject({
      code: 'unknown_role',
      field: '/roles/0',
    });
  });
});
