import { DAY, HOUR, MINUTE } from '../../domain/duration';
import {
  createInvitation,
  transition,
  type InvitationState,
  type InvitationStatus,
  type NewInvitation,
} from '../../domain/invitation';

// A fixed clock: every instant of the invitation domain tests is an offset from T0.
export const T0 = new Date('2026-01-01T00:00:00Z');
export const at = (offsetMs: number): Date => new Date(T0.getTime() + offsetMs);
export const iso = (offsetMs: number): string => at(offsetMs).toISOString();

export const TTL = 7 * DAY;
export const SENT_AT = HOUR; // the invitation in `pending()` is sent one hour after creation
export const EXPIRES_AT = SENT_AT + TTL; // ...and so expires at T0 + 1h + 7d

export function newInvitation(overrides: Partial<NewInvitation> = {}): NewInvitation {
  return {
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
    ...overrides,
  };
}

export const registered = (overrides: Partial<NewInvitation> = {}): InvitationState =>
  createInvitation(newInvitation(overrides), T0);
export const pending = (): InvitationState => transition(registered(), { type: 'send', by: 'user-bob' }, at(SENT_AT));
/** Made for a known account of the host, and sent. */
export const pendingForAna = (): InvitationState =>
  transition(
    registered({ invitee: { email: 'ana@example.org', phone: null, name: 'Ana', userId: 'user-ana' } }),
    { type: 'send', by: 'user-bob' },
    at(SENT_AT),
  );
export const expired = (): InvitationState => transition(pending(), { type: 'expire' }, at(EXPIRES_AT));
/** A member's invitation waiting for approval: created and requested in the same instant, as the workflow does. */
export const requested = (): InvitationState =>
  transition(registered({ inviter: { userId: 'user-mo', roles: ['member'] } }), { type: 'request', by: 'user-mo' }, T0);

/** A state in any status, reached through real transitions where one leads there. */
export function stateIn(status: InvitationStatus): InvitationState {
  switch (status) {
    case 'requested':
      return requested();
    case 'registered':
      return registered();
    case 'pending':
      return pending();
    case 'accepted':
      return transition(pending(), { type: 'accept', userId: 'user-ana' }, at(SENT_AT + HOUR));
    case 'declined':
      return transition(pending(), { type: 'decline' }, at(SENT_AT + HOUR));
    case 'revoked':
      return transition(pending(), { type: 'revoke', by: 'user-bob' }, at(SENT_AT + HOUR));
    case 'expired':
      return expired();
  }
}

/** Frozen all the way down: a transition that mutated its input would throw. */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
