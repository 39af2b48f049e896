import {
  WithStartWorkflowOperation,
  WorkflowExecutionAlreadyStartedError,
  WorkflowUpdateFailedError,
  type Client,
} from '@temporalio/client';
import { ApplicationFailure, WorkflowNotFoundError, type UpdateDefinition } from '@temporalio/common';
import { isErrorCode, RuleViolation } from '../domain/error-codes';
import {
  firstTaskDelayMs,
  invitationWorkflowId,
  isRepeatedAcceptance,
  refusal,
  type InvitationCommand,
  type InvitationState,
} from '../domain/invitation';
import { invitationStaticDetails, invitationView, type InvitationView } from '../domain/invitation-view';
import type { OpenedInvitation } from '../domain/new-invitation';
import { invitationWorkflowType, openedUpdate, type InvitationWorkflowInput } from '../workflows/invitation-messages';
import { invitationSearchAttributes } from '../workflows/search-attributes';

/** Where invitations' runs are, and where a closed run's final state is read. */
export interface InvitationRuns {
  temporal: Client;
  /** How long one call to Temporal may take before the caller gets an error. */
  timeoutMs: number;
  /** The state a closed run ended in: the projection's where there is a database, else the run's own answer. */
  closedState(invitationId: string): Promise<InvitationView>;
}

/** Starts a run and reports whether it started; a run that did not owns nothing the caller prepared. */
export type RunLauncher<T> = (
  opened: OpenedInvitation,
) => Promise<{ started: true; value: T } | { started: false; error: unknown }>;

const startOptions = (taskQueue: string, invitation: InvitationState, summary: string) => ({
  taskQueue,
  workflowId: invitationWorkflowId(invitation.id),
  typedSearchAttributes: invitationSearchAttributes(invitation),
  staticSummary: summary,
  staticDetails: invitationStaticDetails(invitation),
});

/**
 * Starts a run that records its opening and sends its first messages itself,
 * and answers once the opening is recorded: one request (update-with-start)
 * rather than a start and then an update.
 */
export function openingRun(runs: InvitationRuns, taskQueue: string): RunLauncher<InvitationView> {
  return async ({ invitation, earlier }) => {
    const startWorkflowOperation = new WithStartWorkflowOperation(invitationWorkflowType, {
      ...startOptions(taskQueue, invitation, `Invitation ${invitation.id} in workspace ${invitation.workspaceId}`),
      // The id is new; a start the client retries after a lost answer finds its own run.
      workflowIdConflictPolicy: 'USE_EXISTING',
      args: [{ invitation, opening: { earlier } } satisfies InvitationWorkflowInput],
    });
    try {
      const state = await runs.temporal.withDeadline(Date.now() + runs.timeoutMs, () =>
        runs.temporal.workflow.executeUpdateWithStart(openedUpdate, { startWorkflowOperation }),
      );
      return { started: true, value: invitationView(state) };
    } catch (error) {
      const started = await startWorkflowOperation.workflowHandle().then(
        () => true,
        () => false,
      );
      if (started) throw error;
      return { started: false, error };
    }
  };
}

/**
 * Starts a run whose opening its starter recorded and delivered (a bulk
 * import's row): its first workflow task is its first reminder or its
 * expiry, or any command sent to it before. A run already started (a retried
 * batch) is the one that was meant.
 */
export function recordedRun(temporal: Client, taskQueue: string, summary: string): RunLauncher<void> {
  return async ({ invitation }) => {
    try {
      await temporal.workflow.start(invitationWorkflowType, {
        ...startOptions(taskQueue, invitation, summary),
        args: [{ invitation } satisfies InvitationWorkflowInput],
        startDelay: firstTaskDelayMs(invitation, new Date()),
      });
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) return { started: false, error };
    }
    return { started: true, value: undefined };
  };
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
 * Runs one command on an invitation's run. A refusal by the run's validator
 * throws a RuleViolation with its code. A run that has closed answers from
 * its final state: the acceptance it already made to the same user, or the
 * refusal its status gives the command; `onClosed` handles a command that
 * still applies then.
 */
export async function runUpdate<Input>(
  runs: InvitationRuns,
  invitationId: string,
  update: UpdateDefinition<InvitationState, [Input]>,
  input: Input,
  onClosed?: (closed: InvitationView) => Promise<InvitationView>,
): Promise<InvitationView> {
  try {
    const handle = runs.temporal.workflow.getHandle(invitationWorkflowId(invitationId));
    const state = await runs.temporal.withDeadline(Date.now() + runs.timeoutMs, () =>
      handle.executeUpdate(update, { args: [input] }),
    );
    return invitationView(state);
  } catch (error) {
    if (!(error instanceof WorkflowNotFoundError)) throw refusalOf(error) ?? error;
    const closed = await runs.closedState(invitationId);
    if (onClosed) return onClosed(closed);
    const command = { type: update.name, ...(input as object) } as InvitationCommand;
    if (isRepeatedAcceptance(closed, command)) return closed;
    throw refusal(closed.status, command.type);
  }
}
