import { DAY } from './duration';
import type { MembershipTerms } from './membership';
import { RuleViolation, type ErrorCode } from './error-codes';
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

/** Statuses that hold a person's place: a second invitation for them returns this one. */
export const openStatuses: readonly InvitationStatus[] = ['requested', 'registered', 'pending'];

export function isOpen(status: InvitationStatus): boolean {
  return openStatuses.includes(status);
}

export interface Invitee {
  email: string | null;
  phone: string | null;
  name: string | null;
  userId: string | null;
  /**
   * The invitee agreed that their number be used to reach and recognise them;
   * without it no phone is stored. Absent from states started before consent was asked.
   */
  phoneConsent?: boolean;
}

/** How an invitation was accepted: through its link, or by matching a contact the host verified at sign-up. */
export const acceptMethods = ['link', 'phone_match', 'email_match'] as const;
export type AcceptMethod = (typeof acceptMethods)[number];

export interface Inviter {
  userId: string;
  roles: string[];
  /** Shown to the invitee ("Ana invited you"); the host's display name, optional. */
  name?: string;
}

export const invitationEventTypes = [
  'created',
  'requested',
  'sent',
  'resent',
  'reminded',
  'accepted',
  'declined',
  'expired',
  'revoked',
  'rejected',
  'changed',
  'delivery_failed',
  'delivered',
  'erased',
] as const;
export type InvitationEventType = (typeof invitationEventTypes)[number];

/** How an email bounced: `hard` when the address will not take mail, `soft` when it may another time. */
export const bounceTypes = ['hard', 'soft'] as const;
export type BounceType = (typeof bounceTypes)[number];

/** What a provider says became of one message. */
export interface DeliveryOutcome {
  channel: Channel;
  /** The provider's id of the message; a report repeated for it changes nothing. */
  messageId: string;
  delivered: boolean;
  reason?: string;
  bounceType?: BounceType;
  /** The recipient called the email spam. */
  complaint?: boolean;
}

export interface InvitationEvent {
  /** Position in this invitation's history, from 1: consumers order webhooks by it. */
  seq: number;
  type: InvitationEventType;
  at: string;
  by: string | null;
  /**
   * The channel, for `delivered` and `delivery_failed`, and for a failure what
   * went wrong: never personal data (reply codes, not the server's text).
   */
  detail?: string;
  /**
   * The provider's id of the message a delivery report is about (a Twilio
   * SID, an email's Message-ID), so a repeated report is recognised.
   */
  messageId?: string;
  /** On an email's `delivery_failed` from its provider: how it bounced. */
  bounceType?: BounceType;
  /** On an email's `delivery_failed` from its provider: the recipient called it spam. */
  complaint?: true;
  /** How an `accepted` invitation was accepted; absent (the link) on events recorded before matching existed. */
  method?: AcceptMethod;
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
  /** The least time between two sends, fixed at creation from the workspace's `resendInterval`; 0 means no limit. */
  resendIntervalMs: number;
  /**
   * When to remind a pending invitee, ascending, each measured from the latest
   * send; fixed at creation from the workspace's `reminders`.
   */
  reminderOffsetsMs: number[];
  /** Where a message goes when its channel refuses it for good, fixed at creation from the workspace's `fallback`. */
  fallback?: Partial<Record<Channel, Channel>>;
  /** A membership that ends, when the invitation grants one. */
  membership?: MembershipTerms;
}

export interface InvitationState extends NewInvitation {
  status: InvitationStatus;
  sendCount: number;
  lastSentAt: string | null;
  expiresAt: string | null;
  createdAt: string;
  acceptedAt: string | null;
  acceptedBy: string | null;
  /** When the invitee's email, phone and name were erased on request; absent until then. */
  erasedAt?: string;
  events: InvitationEvent[];
}

export type InvitationCommand =
  | { type: 'send'; by?: string }
  | { type: 'resend'; by?: string }
  | { type: 'accept'; userId: string; method?: AcceptMethod }
  | { type: 'decline'; by?: string }
  | { type: 'revoke'; by?: string }
  | { type: 'expire' }
  | { type: 'remind' }
  /** The workflow's own, right after creation, when the inviter may only ask: a `requested` event after `created`. */
  | { type: 'request'; by?: string }
  /** Sends a requested invitation: a `sent` event whose actor is the approver. */
  /** `grantable`: the roles the approver may grant, checked against the roles the invitation holds now. */
  | { type: 'approve'; by?: string; grantable?: string[] }
  | { type: 'reject'; by?: string }
  /** Fields left out keep their value. */
  | { type: 'change'; roles?: string[]; groups?: string[]; by?: string }
  /** The workflow's own, when a channel refused a message for good: history, not a change of status. */
  | { type: 'failDelivery'; channel: Channel; reason: string }
  /** A provider's word on a message it took (Twilio's status callback); the same report twice changes nothing. */
  | ({ type: 'reportDelivery' } & DeliveryOutcome)
  /** The invitee's right to erasure: their contact and name go, the invitation keeps its status and dates. */
  | { type: 'erase'; by?: string };

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
  if ((command === 'approve' || command === 'reject') && !isFinal(status)) {
    return new RuleViolation('invitation_not_requested', `cannot ${command} an invitation that nobody asked for`);
  }
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
  // A registered invitation's link can be copied and shared before anything is sent: the host may hand it over itself.
  accept: ['registered', 'pending'],
  decline: ['registered', 'pending'],
  revoke: ['requested', 'registered', 'pending', 'expired'],
  expire: ['pending'],
  remind: ['pending'],
  request: ['registered'],
  approve: ['requested'],
  reject: ['requested'],
  // Until someone accepts, what they are invited to can still be corrected.
  change: ['requested', 'registered', 'pending', 'expired'],
  // A message can fail after the invitation moved on (accepted while it was being sent): still worth recording.
  failDelivery: invitationStatuses,
  reportDelivery: invitationStatuses,
  // Whatever became of the invitation, the person may ask to be forgotten.
  erase: invitationStatuses,
};

function isPastExpiry(state: Pick<InvitationState, 'expiresAt'>, now: Date): boolean {
  return state.expiresAt !== null && now.getTime() >= Date.parse(state.expiresAt);
}

/** What the invitation's run refuses a dead link's accept or decline with; the API answers them all `invalid_token`. */
export const deadLinkRefusals: readonly ErrorCode[] = [
  'invitation_expired',
  'invitation_revoked',
  'invitation_declined',
];

/** Whether an invitation has expired, even if its expiry timer has not fired yet. */
export function hasExpired(invitation: Pick<InvitationState, 'status' | 'expiresAt'>, now: Date): boolean {
  return invitation.status === 'expired' || (invitation.status === 'pending' && isPastExpiry(invitation, now));
}

/**
 * Whether an invitation's link can no longer be used: it was declined or
 * revoked, or it expired. An accepted link is not dead: it still says
 * "already accepted".
 */
export function isDeadLink(invitation: Pick<InvitationState, 'status' | 'expiresAt'>, now: Date): boolean {
  return invitation.status === 'declined' || invitation.status === 'revoked' || hasExpired(invitation, now);
}

/** Throws the RuleViolation that `transition` would throw, without changing anything. */
/** An invitation made for a known account is that account's alone. */
export function checkAcceptingAccount(invitee: Pick<Invitee, 'userId'>, userId: string): void {
  if (invitee.userId !== null && invitee.userId !== userId) {
    throw new RuleViolation('wrong_account', 'this invitation was made for another account', '/userId');
  }
}

export function checkCommand(state: InvitationState, command: InvitationCommand, now: Date): void {
  if (isRepeatedAcceptance(state, command)) return;
  if (!allowedFrom[command.type].includes(state.status)) throw refusal(state.status, command.type);
  // The timer may not have fired yet; the clock decides, not the timer.
  if (
    (command.type === 'accept' || command.type === 'decline' || command.type === 'remind') &&
    isPastExpiry(state, now)
  ) {
    throw refusal('expired', command.type);
  }
  if (command.type === 'expire' && !isPastExpiry(state, now)) {
    throw new RuleViolation('not_due', 'the invitation has not reached its expiry yet');
  }
  if (command.type === 'remind') {
    const due = nextReminderAt(state);
    if (due === undefined || now.getTime() < due) {
      throw new RuleViolation('not_due', 'no reminder of the invitation is due yet');
    }
  }
  // The run holds the rule too, so no way in (the link, matching, the plugin) can skip it.
  if (command.type === 'accept') checkAcceptingAccount(state.invitee, command.userId);
  // Declining is that account's to do too: a link forwarded to someone else must not end the invitation.
  if (command.type === 'decline' && state.invitee.userId !== null) {
    checkAcceptingAccount(state.invitee, command.by ?? '');
  }
  if (command.type === 'approve' && command.grantable) {
    const { grantable } = command;
    const index = state.roles.findIndex((role) => !grantable.includes(role));
    if (index >= 0) {
      throw new RuleViolation(
        'role_not_grantable',
        `your roles may not grant the role "${state.roles[index]}"`,
        `/roles/${index}`,
      );
    }
  }
  if (command.type === 'resend') {
    // Protects the invitee's inbox from a host retrying in a loop, whatever the status.
    const waitMs = resendWaitMs(state, now);
    if (waitMs > 0) {
      const seconds = Math.ceil(waitMs / 1000);
      throw new RuleViolation(
        'resend_too_soon',
        `the invitation was sent too recently; it can be resent in ${seconds} s`,
        undefined,
        seconds,
      );
    }
  }
}

/** How long until the invitation may be sent again: 0 when it may be now. */
function resendWaitMs(state: InvitationState, now: Date): number {
  if (state.lastSentAt === null) return 0;
  const interval = state.resendIntervalMs;
  return Math.max(Date.parse(state.lastSentAt) + interval - now.getTime(), 0);
}

/** How many reminders followed the latest send: a resend starts the schedule again. */
export function remindersSinceLastSend(state: Pick<InvitationState, 'events'>): number {
  let count = 0;
  for (const event of [...state.events].reverse()) {
    if (event.type === 'sent' || event.type === 'resent') break;
    if (event.type === 'reminded') count += 1;
  }
  return count;
}

/** When the next reminder is due (ms since the epoch); `undefined` when none is left before the expiry. */
export function nextReminderAt(state: InvitationState): number | undefined {
  if (state.status !== 'pending' || state.lastSentAt === null || state.expiresAt === null) return undefined;
  const offset = state.reminderOffsetsMs[remindersSinceLastSend(state)];
  if (offset === undefined) return undefined;
  const at = Date.parse(state.lastSentAt) + offset;
  // A reminder at or after the expiry would point to a dead link; the expiry comes first.
  return at < Date.parse(state.expiresAt) ? at : undefined;
}

/** How long an expired invitation can still be resent before its run closes. */
export const expiredRetentionMs = 90 * DAY;

/**
 * When the invitation's clock next matters (ms since the epoch): the next
 * reminder or the expiry while pending, the end of retention once expired;
 * `undefined` when only a command can move it on.
 */
export function nextDeadline(state: InvitationState): number | undefined {
  const { status, expiresAt } = state;
  if (expiresAt === null) return undefined;
  if (status === 'pending') return Math.min(nextReminderAt(state) ?? Infinity, Date.parse(expiresAt));
  if (status === 'expired') return Date.parse(expiresAt) + expiredRetentionMs;
  return undefined;
}

/**
 * How long a run started for a state already recorded and delivered (a bulk
 * import's rows) waits before its first workflow task: until its clock next
 * matters. A command sent to it meanwhile starts it at once, so a state that
 * only a command moves on waits as long as an expired one is kept.
 */
export function firstTaskDelayMs(state: InvitationState, now: Date): number {
  const deadline = nextDeadline(state) ?? now.getTime() + expiredRetentionMs;
  return Math.max(deadline - now.getTime(), 0);
}

/** Which message of an invitation: the send it belongs to, and 0 for the send itself or the reminder's number. */
export interface MessageRef {
  send: number;
  reminder: number;
}

export function messageOf(state: InvitationState): MessageRef {
  return { send: state.sendCount, reminder: remindersSinceLastSend(state) };
}

/**
 * Whether a message is still worth delivering: not once the invitation left
 * `pending`, nor once a newer send or reminder has its own message on the way.
 */
export function isLatestMessage(state: InvitationState, message: MessageRef): boolean {
  const latest = messageOf(state);
  return state.status === 'pending' && latest.send === message.send && latest.reminder === message.reminder;
}

const eventOf: Record<Exclude<InvitationCommand['type'], 'reportDelivery'>, InvitationEventType> = {
  send: 'sent',
  resend: 'resent',
  accept: 'accepted',
  decline: 'declined',
  revoke: 'revoked',
  expire: 'expired',
  remind: 'reminded',
  request: 'requested',
  // Approving is sending: consumers of `invitation.sent`, the email and the reminders need nothing new.
  approve: 'sent',
  reject: 'rejected',
  change: 'changed',
  failDelivery: 'delivery_failed',
  erase: 'erased',
};

function actorOf(state: InvitationState, command: InvitationCommand): string | null {
  switch (command.type) {
    case 'accept':
      return command.userId;
    case 'expire':
    case 'remind':
    case 'failDelivery':
    case 'reportDelivery':
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

/** A change to the roles and groups the invitation already has changes nothing, and is not recorded. */
function changesNothing(state: InvitationState, command: InvitationCommand): boolean {
  if (command.type !== 'change') return false;
  const same = (a: string[] | undefined, b: string[]) => a === undefined || JSON.stringify(a) === JSON.stringify(b);
  return same(command.roles, state.roles) && same(command.groups, state.groups);
}

function eventTypeOf(command: InvitationCommand): InvitationEventType {
  if (command.type !== 'reportDelivery') return eventOf[command.type];
  return command.delivered ? 'delivered' : 'delivery_failed';
}

/** A provider repeating a report (Twilio retries callbacks) changes nothing. */
function isRepeatedReport(state: InvitationState, command: InvitationCommand): boolean {
  if (command.type !== 'reportDelivery') return false;
  const type = eventTypeOf(command);
  return state.events.some((event) => event.type === type && event.messageId === command.messageId);
}

function detailOf(
  command: InvitationCommand,
): Pick<InvitationEvent, 'detail' | 'messageId' | 'method' | 'bounceType' | 'complaint'> {
  switch (command.type) {
    case 'accept':
      return command.method ? { method: command.method } : {};
    case 'failDelivery':
      return { detail: `${command.channel}: ${command.reason}` };
    case 'reportDelivery':
      return {
        detail: command.delivered ? command.channel : `${command.channel}: ${command.reason ?? 'not delivered'}`,
        messageId: command.messageId,
        ...(command.bounceType && { bounceType: command.bounceType }),
        ...(command.complaint && { complaint: true as const }),
      };
    default:
      return {};
  }
}

/**
 * Applies a command: the next state, with the event it produced appended (a
 * repeated acceptance or report, or a change to what is already there, changes nothing).
 */
export function transition(state: InvitationState, command: InvitationCommand, now: Date): InvitationState {
  checkCommand(state, command, now);
  const repeated = isRepeatedReport(state, command) || (command.type === 'erase' && state.erasedAt !== undefined);
  if (isRepeatedAcceptance(state, command) || changesNothing(state, command) || repeated) {
    return state;
  }
  const at = now.toISOString();
  const event: InvitationEvent = {
    seq: state.events.length + 1,
    type: eventTypeOf(command),
    at,
    by: actorOf(state, command),
    ...detailOf(command),
  };
  const next: InvitationState = { ...state, events: [...state.events, event] };
  switch (command.type) {
    case 'send':
    case 'resend':
    case 'approve':
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
    case 'reject':
      return { ...next, status: 'revoked' };
    case 'request':
      return { ...next, status: 'requested' };
    case 'change':
      return { ...next, roles: command.roles ?? state.roles, groups: command.groups ?? state.groups };
    case 'expire':
      return { ...next, status: 'expired' };
    case 'erase':
      return {
        ...next,
        invitee: { email: null, phone: null, name: null, userId: state.invitee.userId, phoneConsent: false },
        erasedAt: at,
      };
    case 'remind':
    case 'failDelivery':
    case 'reportDelivery':
      return next;
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
