import { DAY, HOUR } from '../../../domain/duration';
import { createInvitationSchema } from '../../../domain/invitation-input';
import { invitationToStart } from '../../../domain/new-invitation';
import { workspaceSettingsSchema } from '../../../domain/workspace';
import { violationOf } from '../../support/thrown';

const now = new Date('2026-11-22T10:00:00.000Z');
const admin = { userId: 'u-admin', roles: ['admin'] };
const workspace = (settings: object = {}) => ({ id: 'acme', settings: workspaceSettingsSchema.parse(settings) });
const input = (body: object) => createInvitationSchema.parse({ inviter: admin, ...body });

test('takes the default role, the channels the invitee can be reached on and the workspace TTL', () => {
  const { invitation, earlier, request } = invitationToStart(
    workspace({ channels: ['email', 'sms'], invitationTtl: '3d' }),
    input({ invitee: { email: 'ana@example.org' }, send: false }),
    'inv_1',
    now,
  );
  expect(request).toBe(false);
  expect(earlier).toEqual([]);
  expect(invitation).toMatchObject({
    id: 'inv_1',
    workspaceId: 'acme',
    status: 'registered',
    roles: ['member'],
    channels: ['email'],
    invitee: { email: 'ana@example.org', phone: null, name: null, userId: null, phoneConsent: false },
    ttlMs: 3 * DAY,
    createdAt: now.toISOString(),
    events: [{ seq: 1, type: 'created', by: 'u-admin' }],
  });
});

test('a per-invitation expiry and explicit roles and channels win', () => {
  const { invitation } = invitationToStart(
    workspace(),
    input({ invitee: { userId: 'u-ana' }, roles: ['admin'], channels: [], expiresIn: '36h' }),
    'inv_2',
    now,
  );
  expect(invitation).toMatchObject({ roles: ['admin'], channels: [], ttlMs: 36 * HOUR });
});

test('a member asks where the workspace allows requests, and is refused where it does not', () => {
  const member = { userId: 'u-member', roles: ['member'] };
  const body = { invitee: { email: 'ana@example.org' }, inviter: member };
  expect(invitationToStart(workspace({ allowInviteRequests: true }), input(body), 'inv_3', now).request).toBe(true);
  expect(violationOf(() => invitationToStart(workspace(), input(body), 'inv_4', now))).toMatchObject({
    code: 'inviter_not_allowed',
  });
});

test('a run starts sent, with the created state it went through, so its search attributes hold from the start', () => {
  const { invitation, earlier } = invitationToStart(
    workspace({ invitationTtl: '3d' }),
    input({ invitee: { email: 'ana@example.org' } }),
    'inv_5',
    now,
  );
  expect(earlier).toMatchObject([{ status: 'registered', events: [{ seq: 1, type: 'created' }] }]);
  expect(invitation).toMatchObject({
    status: 'pending',
    sendCount: 1,
    lastSentAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + 3 * DAY).toISOString(),
    events: [
      { seq: 1, type: 'created', by: 'u-admin' },
      { seq: 2, type: 'sent', by: 'u-admin' },
    ],
  });
});

test('an inviter who may only ask starts the run requested, whatever `send` says', () => {
  const member = { userId: 'u-member', roles: ['member'] };
  const { invitation, earlier, request } = invitationToStart(
    workspace({ allowInviteRequests: true }),
    input({ invitee: { email: 'ana@example.org' }, inviter: member }),
    'inv_6',
    now,
  );
  expect(request).toBe(true);
  expect(earlier).toHaveLength(1);
  expect(invitation).toMatchObject({ status: 'requested', sendCount: 0, expiresAt: null });
});
