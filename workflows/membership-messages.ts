import { defineSignal } from '@temporalio/workflow';

/** What a time-boxed member's run is started with and told; starters name it, never import it. */
export const membershipWorkflowType = 'membershipWorkflow';

export interface MembershipInput {
  workspaceId: string;
  userId: string;
  expiresAt: string;
  /** How long before the end `member.expiring` goes out: the workspace's `membershipExpiryWarning`. */
  warnBeforeMs: number;
}

/** The membership now ends at `expiresAt` (renewed, or ended early); `null`: it no longer ends. */
export const setMembershipEndSignal = defineSignal<[{ expiresAt: string | null }]>('setMembershipEnd');
