import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** What operators filter runs by in the Temporal UI; never personal data. */
export const invitationStatusKey = defineSearchAttributeKey('InvitationStatus', SearchAttributeType.KEYWORD);
export const workspaceIdKey = defineSearchAttributeKey('WorkspaceId', SearchAttributeType.KEYWORD);
export const invitationChannelKey = defineSearchAttributeKey('InvitationChannel', SearchAttributeType.KEYWORD_LIST);
export const invitationExpiresAtKey = defineSearchAttributeKey('InvitationExpiresAt', SearchAttributeType.DATETIME);

export const searchAttributeKeys = [invitationStatusKey, workspaceIdKey, invitationChannelKey, invitationExpiresAtKey];
