import { RuleViolation } from './error-codes';
import type { Channel } from './workspace';

export const invitationStatuses = [
  'requested',
  'registered',
  'pending',
  'accepted',
  'declined',
  'expired',
  'revoked',
] as const;
export type InvitationStatus = (typeof invitationStatuses)[number];

/** States no command leaves. `expired` is not one of them: a resend brings it back. */
export const finalStatuses: readonly InvitationStatus[] = ['accepted', 'declined', 'revoked'];

export function isFinal(status: InvitationStatus): boolean {
  return finalStatuses.includes(status);
}

export interface Invitee {
  email: string | null;
  phone: string | null;
  name: string | null;
  userId: string | null;
}

export interface Inviter {
  userId: string;
  roles: string[];
  /** Shown to the invitee ("Ana invited you"); the host's display name, optional. */
  name?: string;
}

export const invitationEventTypes = [
  'created',
  'sent',
  'resent',
  'accepted',
  'declined',
  'expired',
  'revoked',
] as const;
export type InvitationEventType = (typeof invitationEventTypes)[number];

export interface InvitationEvent {
  /** Position in this invitation's history, from 1: consumers order webhooks by it. */
  seq: number;
  type: InvitationEventType;
  at: string;
  by: string | null;
}

/** What the creator decides; everything else starts from the lifecycle. */
export interface NewInvitation {
  id: string;
  workspaceId: string;
  invitee: Invitee;
  roles: string[];
  groups: string[];
  channels: Channel[];
  inviter: Inviter;
  locale: string | null;
  /** How long each send stays valid; fixed at creation from the workspace TTL or the override. */
  ttlMs: number;
}

export interface InvitationState extends NewInvitation {
  status: InvitationStatus;
  sendCount: number;
  lastSentAt: string | null;
  expiresAt: string | null;
  createdAt: string;
  acceptedAt: string | null;
  acceptedBy: string | null;
  events: InvitationEvent[];
}

export type InvitationCommand =
  | { type: 'send'; by?: string }
  | { type: 'resend'; by?: string }
  | { type: 'accept'; userId: string }
  | { type: 'decline'; by?: string }
  | { type: 'revoke'; by?: string }
  | { type: 'expire' };

export function createInvitation(input: NewInvitation, now: Date): InvitationState {
  const at = now.toISOString();
  return {
    ...input,
    status: 'registered',
    sendCount: 0,
    lastSentAt: null,
    expiresAt: null,
    createdAt: at,
    acceptedAt: null,
    acceptedBy: null,
    events: [{ seq: 1, type: 'created', at, by: input.inviter.userId }],
  };
}

/** Why a command cannot apply in a status, in the words the API answers with. */
export function refusal(status: InvitationStatus, command: InvitationCommand['type']): RuleViolation {
  switch (status) {
    case 'accepted':
      return new RuleViolation('invitation_already_accepted', 'the invitation was already accepted');
    case 'declined':
      return new RuleViolation('invitation_declined', 'the invitation was declined');
    case 'revoked':
      return new RuleViolation('invitation_revoked', 'the invitation was revoked');
    case 'expired':
      return new RuleViolation('invitation_expired', 'the invitation has expired; resend it first');
    case 'registered':
      return new RuleViolation(
        'invitation_not_sent',
        `cannot ${command} an invitation that was never sent; send it first`,
      );
    case 'pending':
      return new RuleViolation('invitation_already_sent', 'the invitation was already sent; resend it instead');
    case 'requested':
      return new RuleViolation('invitation_not_sent', `cannot ${command} an invitation that waits for approval`);
  }
}

const allowedFrom: Record<InvitationCommand['type'], readonly InvitationStatus[]> = {
  send: ['registered'],
  resend: ['pending', 'expired'],
  // A registered invitation's link can be copied and shared before anything is sent (Ommnio).
  accept: ['registered', 'pending'],
  decline: ['registered', 'pending'],
  revoke: ['requested', 'registered', 'pending', 'expired'],
  expire: ['pending'],
};

function isPastExpiry(state: InvitationState, now: Date): boolean {
  return state.expiresAt !== null && now.getTime() >= Date.parse(state.expiresAt);
}

/** Throws the RuleViolation that `transition` would throw, without changing anything. */
export function checkCommand(state: InvitationState, command: InvitationCommand, now: Date): void {
  if (isRepeatedAcceptance(state, command)) return;
  if (!allowedFrom[command.type].includes(state.status)) throw refusal(state.status, command.type);
  // The timer may not have fired yet; the clock decides, not the timer.
  if ((command.type === 'accept' || command.type === 'decline') && isPastExpiry(state, now)) {
    throw refusal('expired', command.type);
  }
  if (command.type === 'expire' && !isPastExpiry(state, now)) {
    throw new RuleViolation('invitation_already_sent', 'the invitation has not reached its expiry yet');
  }
}

const eventOf: Record<InvitationCommand['type'], InvitationEventType> = {
  send: 'sent',
  resend: 'resent',
  accept: 'accepted',
  decline: 'declined',
  revoke: 'revoked',
  expire: 'expired',
};

function actorOf(state: InvitationState, command: InvitationCommand): string | null {
  switch (command.type) {
    case 'accept':
      return command.userId;
    case 'decline':
      return command.by ?? state.invitee.userId;
    case 'expire':
      return null;
    default:
      return command.by ?? null;
  }
}

/**
 * The same user accepting again (a host retrying after a lost answer) is
 * answered with the acceptance that already happened, not a conflict.
 */
export function isRepeatedAcceptance(
  state: Pick<InvitationState, 'status' | 'acceptedBy'>,
  command: InvitationCommand,
): boolean {
  return command.type === 'accept' && state.status === 'accepted' && state.acceptedBy === command.userId;
}

/** Applies a command: the next state, with the event it produced appended (a repeated acceptance changes nothing). */
export function transition(state: InvitationState, command: InvitationCommand, now: Date): InvitationState {
  checkCommand(state, command, now);
  if (isRepeatedAcceptance(state, command)) return state;
  const at = now.toISOString();
  const event: InvitationEvent = {
    seq: state.events.length + 1,
    type: eventOf[command.type],
    at,
    by: actorOf(state, command),
  };
  const next: InvitationState = { ...state, events: [...state.events, event] };
  switch (command.type) {
    case 'send':
    case 'resend':
      return {
        ...next,
        status: 'pending',
        sendCount: state.sendCount + 1,
        lastSentAt: at,
        expiresAt: new Date(now.getTime() + state.ttlMs).toISOString(),
      };
    case 'accept':
      return { ...next, status: 'accepted', acceptedAt: at, acceptedBy: command.userId };
    case 'decline':
      return { ...next, status: 'declined' };
    case 'revoke':
      return { ...next, status: 'revoked' };
    case 'expire':
      return { ...next, status: 'expired' };
  }
}

export function lastEvent(state: InvitationState): InvitationEvent {
  const event = state.events.at(-1);
  if (!event) throw new Error(`invitation ${state.id} has no history`);
  return event;
}

/** The workflow ID of an invitation: its id only, never personal data. */
export function invitationWorkflowId(invitationId: string): string {
  return `invitation-${invitationId}`;
}
