import { WithStartWorkflowOperation, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure, WorkflowNotFoundError, type UpdateDefinition } from '@temporalio/common';
import { isErrorCode, RuleViolation } from '../domain/error-codes';
import {
  invitationWorkflowId,
  isRepeatedAcceptance,
  refusal,
  type InvitationCommand,
  type InvitationState,
} from '../domain/invitation';
import { invitationStaticDetails, invitationView, type InvitationView } from '../domain/invitation-view';
import type { OpenedInvitation } from '../domain/new-invitation';
import { invitationWorkflow } from '../workflows/invitation';
import { openedUpdate } from '../workflows/invitation-messages';
import { invitationSearchAttributes } from '../workflows/search-attributes';
import type { ApiContext } from './context';
import { getInvitation } from './invitation-store';
import { Problem } from './problem';

/**
 * Starts an invitation's workflow and answers once its opening is recorded:
 * one request (update-with-start) rather than a start and then an update,
 * and the run records the opening inside its first workflow task.
 */
export async function startInvitation(
  { temporal, taskQueue, temporalTimeoutMs }: Pick<ApiContext, 'temporal' | 'taskQueue' | 'temporalTimeoutMs'>,
  { invitation, earlier }: OpenedInvitation,
  /** Undoes what the caller prepared when the run did not start; once it has, the run owns the invitation. */
  onNotStarted: () => Promise<void>,
): Promise<InvitationView> {
  const startWorkflowOperation = new WithStartWorkflowOperation(invitationWorkflow, {
    taskQueue,
    workflowId: invitationWorkflowId(invitation.id),
    // The id is new; a start the client retries after a lost answer finds its own run.
    workflowIdConflictPolicy: 'USE_EXISTING',
    args: [{ invitation, opening: { earlier } }],
    typedSearchAttributes: invitationSearchAttributes(invitation),
    staticSummary: `Invitation ${invitation.id} in workspace ${invitation.workspaceId}`,
    staticDetails: invitationStaticDetails(invitation),
  });
  try {
    const state = await temporal.withDeadline(Date.now() + temporalTimeoutMs, () =>
      temporal.workflow.executeUpdateWithStart(openedUpdate, { startWorkflowOperation }),
    );
    return invitationView(state);
  } catch (error) {
    const started = await startWorkflowOperation.workflowHandle().then(
      () => true,
      () => false,
    );
    if (!started) await onNotStarted();
    throw error;
  }
}

/** The wait a refusal that lifts with time carries in its details (see the workflow's `asFailure`). */
function retryAfterOf(failure: ApplicationFailure): number | undefined {
  const [detail] = failure.details ?? [];
  const seconds = (detail as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
  return typeof seconds === 'number' ? seconds : undefined;
}

/** The rule a workflow's update validator refused a command by, with its code; `undefined` for any other error. */
export function refusalOf(error: unknown): RuleViolation | undefined {
  if (
    error instanceof WorkflowUpdateFailedError &&
    error.cause instanceof ApplicationFailure &&
    isErrorCode(error.cause.type)
  ) {
    return new RuleViolation(error.cause.type, error.cause.message, undefined, retryAfterOf(error.cause));
  }
  return undefined;
}

/**
 * Runs one command on an invitation's workflow. A refusal by the workflow's
 * validator keeps its code; a run that has already closed is answered from
 * the projection's final status, or handed to `onClosed` for a command that
 * still applies then.
 */
export async function runInvitationUpdate<Input>(
  ctx: Pick<ApiContext, 'temporal' | 'orm' | 'temporalTimeoutMs'>,
  invitationId: string,
  update: UpdateDefinition<InvitationState, [Input]>,
  input: Input,
  onClosed?: (projected: InvitationView) => Promise<InvitationView>,
): Promise<InvitationView> {
  try {
    const handle = ctx.temporal.workflow.getHandle(invitationWorkflowId(invitationId));
    const state = await ctx.temporal.withDeadline(Date.now() + ctx.temporalTimeoutMs, () =>
      handle.executeUpdate(update, { args: [input] }),
    );
    return invitationView(state);
  } catch (error) {
    const refused = refusalOf(error);
    if (refused) throw Problem.fromRule(refused);
    if (error instanceof WorkflowNotFoundError) {
      // The run has closed: its final state is in the projection.
      const projected = await getInvitation(ctx.orm, invitationId);
      if (onClosed) return onClosed(projected);
      const command = { type: update.name, ...(input as object) } as InvitationCommand;
      if (isRepeatedAcceptance(projected, command)) return projected;
      throw Problem.fromRule(refusal(projected.status, command.type));
    }
    throw error;
  }
}
