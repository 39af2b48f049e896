import { randomUUID } from 'node:crypto';
import { DAY } from '../../domain/duration';
import { createInvitation, type InvitationState, type NewInvitation } from '../../domain/invitation';

/** A 7-day email invitation from Bob to Ana in workspace `w1`, created at `now`. */
export function newTestInvitation(overrides: Partial<NewInvitation> = {}, now = new Date()): InvitationState {
  return createInvitation(
    {
      id: `inv_${randomUUID()}`,
      workspaceId: 'w1',
      invitee: { email: 'ana@example.org', phone: null, name: 'Ana', userId: null },
      roles: ['member'],
      groups: [],
      channels: ['email'],
      inviter: { userId: 'u1', roles: ['admin'], name: 'Bob' },
      locale: null,
      ttlMs: 7 * DAY,
      resendIntervalMs: 60_000,
      reminderOffsetsMs: [],
      ...overrides,
    },
    now,
  );
}
