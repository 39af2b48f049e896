import { MINUTE } from '../../../domain/duration';
import { createInvitation, invitationWorkflowId } from '../../../domain/invitation';
import { T0, TTL, newInvitation, registered, deepFreeze } from '../../support/invitation-states';

describe('createInvitation', () => {
  test('starts registered, unsent, with a single "created" event by the inviter', () => {
    const state = createInvitation(newInvitation(), T0);

    expect(state).toEqual({
      id: 'inv_abc123',
      workspaceId: 'acme',
      invitee: { email: 'ana@example.org', phone: '+33612345678', name: 'Ana', userId: null },
      roles: ['member'],
      groups: ['engineering'],
      channels: ['email'],
      inviter: { userId: 'user-bob', roles: ['admin'], name: 'Bob' },
      locale: 'fr',
      ttlMs: TTL,
      resendIntervalMs: MINUTE,
      reminderOffsetsMs: [],
      status: 'registered',
      sendCount: 0,
      lastSentAt: null,
      expiresAt: null,
      createdAt: '2026-01-01T00:00:00.000Z',
      acceptedAt: null,
      acceptedBy: null,
      events: [{ seq: 1, type: 'created', at: '2026-01-01T00:00:00.000Z', by: 'user-bob' }],
    });
  });

  test('does not change its input', () => {
    const input = deepFreeze(newInvitation());
    const copy = structuredClone(input);

    createInvitation(input, T0);

    expect(input).toEqual(copy);
  });
});

describe('invitationWorkflowId', () => {
  test('is the invitation id with an "invitation-" prefix', () => {
    expect(invitationWorkflowId('inv_abc123')).toBe('invitation-inv_abc123');
  });

  test('carries no personal data of the invitation', () => {
    const state = registered();

    const workflowId = invitationWorkflowId(state.id);

    expect(workflowId).not.toContain('ana@example.org');
    expect(workflowId).not.toContain('@');
    expect(workflowId).not.toContain('+33612345678');
    expect(workflowId).not.toContain('Ana');
  });

  test('different invitations get different workflow ids', () => {
    expect(invitationWorkflowId('inv_a')).not.toBe(invitationWorkflowId('inv_b'));
  });
});
