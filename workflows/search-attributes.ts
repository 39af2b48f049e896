import { defineSearchAttributeKey, SearchAttributeType, type SearchAttributePair } from '@temporalio/common';
import type { InvitationState } from '../domain/invitation';

/** What operators filter runs by in the Temporal UI; never personal data. */
export const invitationStatusKey = defineSearchAttributeKey('InvitationStatus', SearchAttributeType.KEYWORD);
export const workspaceIdKey = defineSearchAttributeKey('WorkspaceId', SearchAttributeType.KEYWORD);
export const invitationChannelKey = defineSearchAttributeKey('InvitationChannel', SearchAttributeType.KEYWORD_LIST);
export const invitationExpiresAtKey = defineSearchAttributeKey('InvitationExpiresAt', SearchAttributeType.DATETIME);

/** When a guest membership ends: its run is found by this and `WorkspaceId`. */
export const membershipExpiresAtKey = defineSearchAttributeKey('MembershipExpiresAt', SearchAttributeType.DATETIME);

export const searchAttributeKeys = [
  invitationStatusKey,
  workspaceIdKey,
  invitationChannelKey,
  invitationExpiresAtKey,
  membershipExpiresAtKey,
];

/** An invitation's search attributes, given when its run starts; no expiry until it is sent. */
export function invitationSearchAttributes(
  state: Pick<InvitationState, 'status' | 'workspaceId' | 'channels' | 'expiresAt'>,
): SearchAttributePair[] {
  return [
    { key: invitationStatusKey, value: state.status },
    { key: workspaceIdKey, value: state.workspaceId },
    { key: invitationChannelKey, value: state.channels },
    ...(state.expiresAt ? [{ key: invitationExpiresAtKey, value: new Date(state.expiresAt) }] : []),
  ];
}
