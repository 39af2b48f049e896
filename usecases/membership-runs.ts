import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import { parseDuration } from '../domain/duration';
import { membershipWorkflowId } from '../domain/membership';
import type { WorkspaceSettings } from '../domain/workspace';
import { workspaceIdKey, membershipExpiresAtKey } from '../workflows/search-attributes';
import { membershipWorkflowType, setMembershipEndSignal, type MembershipInput } from '../workflows/membership-messages';

/**
 * Tells a member's membership run when the membership ends, starting the
 * run when none is running; with `null` (it no longer ends) a running run
 * is told so and finishes, and none is started.
 */
export async function setMembershipEnd(
  temporal: Client,
  taskQueue: string,
  settings: Pick<WorkspaceSettings, 'membershipExpiryWarning'>,
  membership: Pick<MembershipInput, 'workspaceId' | 'userId'> & { expiresAt: string | null },
): Promise<void> {
  const { workspaceId, userId, expiresAt } = membership;
  // Settings are validated when stored: the duration parses.
  const warnBeforeMs = parseDuration(settings.membershipExpiryWarning) ?? 0;
  const workflowId = membershipWorkflowId(workspaceId, userId);
  if (expiresAt === null) {
    try {
      await temporal.workflow.getHandle(workflowId).signal(setMembershipEndSignal, { expiresAt: null });
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
    }
    return;
  }
  await temporal.workflow.signalWithStart(membershipWorkflowType, {
    taskQueue,
    workflowId,
    args: [{ workspaceId, userId, expiresAt, warnBeforeMs } satisfies MembershipInput],
    signal: setMembershipEndSignal,
    signalArgs: [{ expiresAt }],
    typedSearchAttributes: [
      { key: workspaceIdKey, value: workspaceId },
      { key: membershipExpiresAtKey, value: new Date(expiresAt) },
    ],
  });
}
