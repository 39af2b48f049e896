import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError, type UpdateDefinition } from '@temporalio/common';
import type { z } from 'zod';
import { refusalOf, startInvitation as startInvitationWorkflow } from '../api/invitation-workflows';
import { newId } from '../domain/ids';
import {
  invitationWorkflowId,
  isRepeatedAcceptance,
  refusal,
  type InvitationCommand,
  type InvitationState,
} from '../domain/invitation';
import { createInvitationSchema } from '../domain/invitation-input';
import { invitationView, type InvitationView } from '../domain/invitation-view';
import { invitationToStart } from '../domain/new-invitation';
import { checkMayAccept } from '../domain/policies';
import type { Workspace } from '../domain/workspace';
import { acceptUpdate, resendUpdate, revokeUpdate, stateQuery } from '../workflows/invitation-messages';
import { parseInput } from './validation';

/** How long a helper waits on Temporal, as the API does by default (TEMPORAL_REQUEST_TIMEOUT_MS). */
const defaultTimeoutMs = 10_000;

export type StartInvitationInput = z.input<typeof createInvitationSchema> & {
  /** The task queue of the worker that runs the inviteflow plugin. */
  taskQueue: string;
  /** As `putWorkspace` or `getWorkspace` answered it: its settings decide roles, channels, expiry. */
  workspace: Pick<Workspace, 'id' | 'settings'>;
  timeoutMs?: number;
};

/**
 * Starts an invitation as `POST /v1/workspaces/:ws/invitations` does (same
 * input, id scheme and workspace rules) and answers once it is recorded.
 * Not checked here, for want of the database: one open invitation per
 * person, and seat limits. A refused rule throws a RuleViolation with its
 * `code`; bad input an InviteflowInputError naming the field.
 */
export async function startInvitation(
  client: Client,
  { taskQueue, workspace, timeoutMs = defaultTimeoutMs, ...request }: StartInvitationInput,
): Promise<InvitationView> {
  const input = parseInput(createInvitationSchema, request, 'invitation');
  return startInvitationWorkflow(
    { temporal: client, taskQueue, temporalTimeoutMs: timeoutMs },
    invitationToStart(workspace, input, newId('inv'), new Date()),
    // Nothing was claimed in the database, so nothing to undo.
    () => Promise.resolve(),
  );
}

async function runUpdate<Input>(
  client: Client,
  invitationId: string,
  update: UpdateDefinition<InvitationState, [Input]>,
  input: Input,
): Promise<InvitationView> {
  const handle = client.workflow.getHandle(invitationWorkflowId(invitationId));
  try {
    return invitationView(await handle.executeUpdate(update, { args: [input] }));
  } catch (error) {
    if (!(error instanceof WorkflowNotFoundError)) throw refusalOf(error) ?? error;
    // The run has closed (accepted, declined, revoked): its final state answers, as the API's projection does.
    const closed = invitationView(await handle.query(stateQuery));
    const command = { type: update.name, ...input } as InvitationCommand;
    if (isRepeatedAcceptance(closed, command)) return closed;
    throw refusal(closed.status, command.type);
  }
}

/**
 * Accepts for a user of the host; the same user accepting again gets the
 * acceptance that happened. The run refuses another account than the one an
 * invitation was made for (`wrong_account`). With the `workspace`, the
 * verified `email` is held to `requireEmailMatch` as the API holds it. Not
 * checked here, for want of the database: a membership the user already has.
 */
export async function acceptInvitation(
  client: Client,
  invitationId: string,
  { userId, email, workspace }: { userId: string; email?: string; workspace?: Pick<Workspace, 'settings'> },
): Promise<InvitationView> {
  if (workspace) {
    const state = await client.workflow.getHandle(invitationWorkflowId(invitationId)).query(stateQuery);
    checkMayAccept(workspace.settings, state, { userId, ...(email !== undefined && { email }) });
  }
  return runUpdate(client, invitationId, acceptUpdate, { userId });
}

export function revokeInvitation(
  client: Client,
  invitationId: string,
  { by }: { by?: string } = {},
): Promise<InvitationView> {
  return runUpdate(client, invitationId, revokeUpdate, { by });
}

/** Sends again with a fresh expiry; works on an expired invitation too. */
export function resendInvitation(
  client: Client,
  invitationId: string,
  { by }: { by?: string } = {},
): Promise<InvitationView> {
  return runUpdate(client, invitationId, resendUpdate, { by });
}

/** The invitation's state as its workflow holds it, while Temporal keeps its run. */
export async function getInvitation(client: Client, invitationId: string): Promise<InvitationView> {
  const handle = client.workflow.getHandle(invitationWorkflowId(invitationId));
  return invitationView(await handle.query(stateQuery));
}
