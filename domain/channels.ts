import { isLatestMessage, type BounceType, type InvitationState, type Invitee, type MessageRef } from './invitation';
import type { Channel } from './workspace';

/** Whether the invitee can be sent anything on a channel at all. */
export function reachableOn(invitee: Pick<Invitee, 'email' | 'phone'>, channel: Channel): boolean {
  return channel === 'email' ? invitee.email !== null : invitee.phone !== null;
}

/**
 * An invitation's channels when its creator named none: the workspace's, less
 * those the invitee has no address or number for (a phone-only invitee of an
 * email workspace gets a link to share, not a failed email).
 */
export function defaultChannels(workspaceChannels: readonly Channel[], invitee: Invitee): Channel[] {
  return workspaceChannels.filter((channel) => reachableOn(invitee, channel));
}

/**
 * Where a message its channel refused for good goes next, if anywhere: the
 * workspace's fallback for that channel, when the invitee is reachable there,
 * was not sent the message there already, and the message is still the latest.
 */
export function fallbackChannel(state: InvitationState, failed: Channel, message: MessageRef): Channel | undefined {
  const next = state.fallback?.[failed];
  if (next === undefined || state.channels.includes(next)) return undefined;
  if (!reachableOn(state.invitee, next) || !isLatestMessage(state, message)) return undefined;
  return next;
}

/**
 * Whether a provider's report of a message not delivered sends it on the
 * fallback channel: a refusal for good does, a soft bounce (the provider may
 * get it through another time) does not, and neither does a complaint, as
 * its recipient got the message and did not want it.
 */
export function reportFallsBack(report: { delivered: boolean; bounceType?: BounceType; complaint?: boolean }): boolean {
  return !report.delivered && report.bounceType !== 'soft' && report.complaint !== true;
}
