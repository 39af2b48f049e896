import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  proxyActivities,
  proxyLocalActivities,
  setCurrentDetails,
  setHandler,
  TemporalFailure,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { UpdateDefinition } from '@temporalio/common';
import type { Activities } from '../activities';
import { fallbackChannel, reportFallsBack } from '../domain/channels';
import { RuleViolation } from '../domain/error-codes';
import {
  checkCommand,
  isFinal,
  isLatestMessage,
  lastEvent,
  messageOf,
  nextDeadline,
  transition,
  type InvitationCommand,
  type InvitationState,
  type MessageRef,
} from '../domain/invitation';
import type { Channel } from '../domain/workspace';
import {
  acceptUpdate,
  approveUpdate,
  changeUpdate,
  declineUpdate,
  eraseUpdate,
  openedUpdate,
  rejectUpdate,
  reportDeliveryUpdate,
  resendUpdate,
  revokeUpdate,
  sendUpdate,
  stateQuery,
  type DeliveryReport,
  type InvitationWorkflowInput,
} from './invitation-messages';
import { invitationExpiresAtKey, invitationStatusKey } from './search-attributes';

// Not a local activity after the opening: a local activity runs inside a workflow task, and a speculative
// task that the server then discards (concurrent updates) would leave its write in the projection.
// A heartbeat timeout, far shorter than the start-to-close one, is how a worker that died mid-activity is noticed:
// its activities heartbeat while they run (activities/heartbeat.ts).
const recordOptions = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
} as const;
const { recordTransition } = proxyActivities<Activities>({ ...recordOptions, heartbeatTimeout: '10 seconds' });

// The opening is recorded in the first task of a fresh start, which is never speculative: as a local activity it
// costs no activity task and no second workflow task.
const opening = proxyLocalActivities<Activities>(recordOptions);

const messages = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  heartbeatTimeout: '10 seconds',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});

/** The API reads `details` back to answer with a `Retry-After` when the refusal lifts with time. */
function asFailure(error: unknown): unknown {
  if (!(error instanceof RuleViolation)) return error;
  const { code, message, retryAfterSeconds } = error;
  return ApplicationFailure.create({
    type: code,
    message,
    nonRetryable: true,
    details: retryAfterSeconds === undefined ? undefined : [{ retryAfterSeconds }],
  });
}

const places = proxyActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '200 milliseconds', backoffCoefficient: 2, maximumAttempts: 6 },
});

/**
 * Takes an expired invitation's place and seat back before it is sent
 * again: its refusal (`already_invited`, `seat_limit_reached`,
 * `open_invitations_cap_reached`) is the
 * update's, and a place that stays in flux is a refusal to retry shortly.
 */
async function reclaimPlace(state: InvitationState): Promise<void> {
  try {
    await places.reclaimPlace({ invitation: state });
  } catch (error) {
    if (!(error instanceof ActivityFailure)) throw error;
    if (error.cause instanceof ApplicationFailure && error.cause.nonRetryable) throw error.cause;
    throw ApplicationFailure.create({
      type: 'unavailable',
      message: "the person's place in the workspace kept changing; retry shortly",
      nonRetryable: true,
      details: [{ retryAfterSeconds: 1 }],
    });
  }
}

/** One message to deliver on one channel: the state it was taken from says which send or reminder it is. */
interface Delivery {
  state: InvitationState;
  channel: Channel;
  reminder: boolean;
}

const deliverOn = {
  email: { invitation: messages.sendInvitationEmail, reminder: messages.sendReminderEmail },
  sms: { invitation: messages.sendInvitationSms, reminder: messages.sendReminderSms },
} satisfies Record<Channel, { invitation: unknown; reminder: unknown }>;

// One try, briefly: the creator's answer waits for the opening task, so a slow or absent mail server must not hold
// it; the message then goes on as a regular activity.
const firstMessages = proxyLocalActivities<Activities>({
  startToCloseTimeout: '5 seconds',
  retry: { maximumAttempts: 1 },
});
const deliverFirstOn: typeof deliverOn = {
  email: { invitation: firstMessages.sendInvitationEmail, reminder: firstMessages.sendReminderEmail },
  sms: { invitation: firstMessages.sendInvitationSms, reminder: firstMessages.sendReminderSms },
};

/** A channel's refusal of the message itself (SMTP 5xx, an invalid number): no retry will change it. */
function isRefusal(failure: Error | undefined): boolean {
  return failure instanceof ApplicationFailure && failure.nonRetryable === true;
}

/** The invitation's state and the order in which its changes are recorded and delivered. */
class Invitation {
  private recorded = Promise.resolve();
  /** Messages taken at each send and reminder, delivered in order by the main loop so an update never waits on SMTP or Twilio. */
  readonly deliveries: Delivery[] = [];
  /** What the search attributes say now: the run started with the input state's. */
  private published: Pick<InvitationState, 'status' | 'expiresAt'>;

  constructor(public state: InvitationState) {
    this.published = state;
  }

  check(command: InvitationCommand): void {
    try {
      checkCommand(this.state, command, new Date());
    } catch (error) {
      throw asFailure(error);
    }
  }

  allows(command: InvitationCommand): boolean {
    try {
      checkCommand(this.state, command, new Date());
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Applies at once (so a concurrent command sees the new state), then
   * records in order. A command that changes nothing (an accept repeated
   * while the first is being recorded) answers once what it repeats is
   * recorded, so its caller reads the write it is told of.
   */
  async apply(command: InvitationCommand): Promise<InvitationState> {
    const previous = this.state;
    if (!this.change(command)) {
      await this.recorded;
      return previous;
    }
    const snapshot = this.state;
    await this.record(snapshot);
    return snapshot;
  }

  /** Moves the state on and queues the messages a send, resend or reminder takes; false when nothing changed. */
  private change(command: InvitationCommand): boolean {
    const previous = this.state;
    try {
      this.state = transition(previous, command, new Date());
    } catch (error) {
      throw asFailure(error);
    }
    if (this.state === previous) return false;
    this.queueMessages();
    this.publishState();
    return true;
  }

  /** Queues the messages of the current state, if its last event is a send, resend or reminder. */
  private queueMessages(): void {
    const snapshot = this.state;
    const { type } = lastEvent(snapshot);
    if (type !== 'sent' && type !== 'resent' && type !== 'reminded') return;
    for (const channel of snapshot.channels) this.queue({ state: snapshot, channel, reminder: type === 'reminded' });
  }

  /** Records the opening states in one write, inside the first workflow task. */
  open(earlier: InvitationState[]): Promise<void> {
    return this.record(this.state, earlier, opening.recordTransition);
  }

  queue(delivery: Delivery): void {
    this.deliveries.push(delivery);
  }

  /** After a channel refused a message for good, the same message on the workspace's fallback channel, if any. */
  fallBack(failed: Channel, message: MessageRef, reminder: boolean): void {
    const channel = fallbackChannel(this.state, failed, message);
    if (channel !== undefined) this.queue({ state: this.state, channel, reminder });
  }

  /** Sends a message if it is still the latest; a permanent failure is recorded and may fall back to another channel. */
  async deliver(delivery: Delivery, firstTry = false): Promise<void> {
    const { state, channel, reminder } = delivery;
    const send = firstTry ? deliverFirstOn : deliverOn;
    // A send or reminder overtaken by acceptance, revocation, expiry or a newer send or reminder is stale.
    const message = messageOf(state);
    if (!isLatestMessage(this.state, message)) return;
    try {
      await send[channel][reminder ? 'reminder' : 'invitation']({ invitation: state });
    } catch (error) {
      // A regular activity's failure comes wrapped in an ActivityFailure, a local activity's as it was thrown.
      if (!(error instanceof ActivityFailure) && !(firstTry && error instanceof TemporalFailure)) throw error;
      const cause = error instanceof ActivityFailure ? error.cause : error;
      if (firstTry && !isRefusal(cause)) {
        // The first try inside the opening task could not get through: the message goes the regular way, retried.
        this.queue(delivery);
        return;
      }
      // A permanent failure must not end the invitation: it stays pending and can be resent.
      log.warn(`invitation ${reminder ? 'reminder' : 'message'} not delivered`, {
        invitationId: state.id,
        sendNumber: state.sendCount,
        channel,
      });
      const reason = cause?.message ?? 'delivery failed';
      await this.apply({ type: 'failDelivery', channel, reason });
      this.fallBack(channel, message, reminder);
    }
  }

  /**
   * The opening's first messages, each tried once as a local activity inside
   * the first workflow task: a create then costs one workflow task and no
   * activity task. One that does not get through in that try goes on as a
   * regular activity, with its retries.
   */
  async deliverOpening(): Promise<void> {
    this.queueMessages();
    const first = this.deliveries.splice(0);
    for (const delivery of first) await this.deliver(delivery, true);
  }

  /** Records `snapshot`, and first the `earlier` states it went through, in one write after every write before. */
  record(snapshot: InvitationState, earlier: InvitationState[] = [], recorder = recordTransition): Promise<void> {
    const input = earlier.length > 0 ? { invitation: snapshot, earlier } : { invitation: snapshot };
    this.recorded = this.recorded.then(() => recorder(input));
    return this.recorded;
  }

  /** The run's current details in the Temporal UI: ids and state, never the person. Not a command: no history. */
  describe(): void {
    const { id, status, workspaceId, channels, expiresAt, sendCount } = this.state;
    setCurrentDetails(
      `Invitation **${id}** in workspace **${workspaceId}**: ${status}, sent ${sendCount} time(s)` +
        `${channels.length > 0 ? ` by ${channels.join(' and ')}` : ', link only'}` +
        `${expiresAt ? `, expires ${expiresAt}` : ''}.`,
    );
  }

  /**
   * What the Temporal UI shows and filters on: the current details, and the
   * search attributes that changed. Each upsert is an event in history and a
   * visibility write, so a change that leaves them as they are costs none.
   * The workspace and channels never change.
   */
  publishState(): void {
    this.describe();
    const { status, expiresAt } = this.state;
    const changed = [
      ...(status !== this.published.status ? [{ key: invitationStatusKey, value: status }] : []),
      ...(expiresAt !== this.published.expiresAt
        ? [{ key: invitationExpiresAtKey, value: expiresAt ? new Date(expiresAt) : null }]
        : []),
    ];
    if (changed.length === 0) return;
    upsertSearchAttributes(changed);
    this.published = { status, expiresAt };
  }
}

export async function invitationWorkflow(input: InvitationWorkflowInput): Promise<InvitationState> {
  const invitation = new Invitation(input.invitation);
  let opened = input.opening === undefined;

  setHandler(stateQuery, () => invitation.state);
  setHandler(openedUpdate, async () => {
    await condition(() => opened);
    return invitation.state;
  });
  // Each update is one command; its validator refuses it before anything is written to history.
  function handleCommand<Args extends unknown[]>(
    update: UpdateDefinition<InvitationState, Args>,
    command: (...args: Args) => InvitationCommand,
  ): void {
    setHandler(update, (...args: Args) => invitation.apply(command(...args)), {
      validator: (...args: Args) => invitation.check(command(...args)),
    });
  }
  handleCommand(sendUpdate, ({ by }) => ({ type: 'send', by }));
  setHandler(
    resendUpdate,
    async ({ by }) => {
      if (invitation.state.status === 'expired') await reclaimPlace(invitation.state);
      return invitation.apply({ type: 'resend', by });
    },
    { validator: ({ by }: { by?: string }) => invitation.check({ type: 'resend', by }) },
  );
  handleCommand(acceptUpdate, ({ userId, method }) => ({ type: 'accept', userId, method }));
  handleCommand(declineUpdate, ({ by }) => ({ type: 'decline', by }));
  handleCommand(revokeUpdate, ({ by }) => ({ type: 'revoke', by }));
  handleCommand(eraseUpdate, ({ by }) => ({ type: 'erase', by }));
  handleCommand(approveUpdate, ({ by, grantable }) => ({ type: 'approve', by, grantable }));
  handleCommand(rejectUpdate, ({ by }) => ({ type: 'reject', by }));
  handleCommand(changeUpdate, ({ roles, groups, by }) => ({ type: 'change', roles, groups, by }));
  const reportCommand = ({ message: _message, ...report }: DeliveryReport): InvitationCommand => ({
    type: 'reportDelivery',
    ...report,
  });
  setHandler(
    reportDeliveryUpdate,
    async (report) => {
      const seen = invitation.state.events.length;
      const state = await invitation.apply(reportCommand(report));
      const recorded = invitation.state.events.length > seen;
      if (recorded && reportFallsBack(report))
        invitation.fallBack(report.channel, report.message, report.message.reminder > 0);
      return state;
    },
    { validator: (report: DeliveryReport) => invitation.check(reportCommand(report)) },
  );

  invitation.describe();
  if (input.opening) {
    await invitation.open(input.opening.earlier);
    opened = true;
    await invitation.deliverOpening();
  }

  for (;;) {
    const delivery = invitation.deliveries.shift();
    if (delivery !== undefined) {
      await invitation.deliver(delivery);
      continue;
    }
    if (isFinal(invitation.state.status)) break;
    if (workflowInfo().continueAsNewSuggested && allHandlersFinished()) {
      await continueAsNew<typeof invitationWorkflow>({ invitation: invitation.state });
    }

    const seen = invitation.state.events.length;
    const deadline = nextDeadline(invitation.state);
    const woken = () => invitation.state.events.length !== seen || invitation.deliveries.length > 0;
    if (deadline === undefined) {
      await condition(woken);
      continue;
    }
    if (await condition(woken, Math.max(deadline - Date.now(), 1))) continue;
    if (invitation.state.status === 'expired') break;
    // An update handled in the same activation as the timer may have ended the invitation already.
    // A reminder is due strictly before the expiry, so at most one of the two applies.
    if (invitation.allows({ type: 'remind' })) await invitation.apply({ type: 'remind' });
    else if (invitation.allows({ type: 'expire' })) await invitation.apply({ type: 'expire' });
  }

  await condition(allHandlersFinished);
  return invitation.state;
}
