import type { Client } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import type { z } from 'zod';
import { newId } from '../domain/ids';
import { invitationWorkflowId, type InvitationState } from '../domain/invitation';
import { createInvitationSchema } from '../domain/invitation-input';
import { invitationView, type InvitationView } from '../domain/invitation-view';
import { noCaps } from '../domain/invitation-caps';
import { invitationToStart } from '../domain/new-invitation';
import type { Workspace } from '../domain/workspace';
import { acceptInvitation as accept } from '../usecases/accept-invitation';
import { openingRun, runUpdate, type InvitationRuns } from '../usecases/invitation-runs';
import { startInvitation as start } from '../usecases/start-invitation';
import { resendUpdate, revokeUpdate, stateQuery } from '../workflows/invitation-messages';
import { parseInput } from './validation';

/** How long a helper waits on Temporal, as the API does by default (TEMPORAL_REQUEST_TIMEOUT_MS). */
const defaultTimeoutMs = 10_000;

/** Without a database, a closed run's final state is what the run answers while Temporal keeps it. */
function pluginRuns(client: Client, timeoutMs = defaultTimeoutMs): InvitationRuns {
  return { temporal: client, timeoutMs, closedState: (invitationId) => getInvitation(client, invitationId) };
}

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
  { taskQueue, workspace, timeoutMs, ...request }: StartInvitationInput,
): Promise<InvitationView> {
  const input = parseInput(createInvitationSchema, request, 'invitation');
  const opened = invitationToStart(workspace, input, newId('inv'), new Date());
  // Without a database neither seats nor caps are counted.
  const unlimited = { seatLimit: null, caps: noCaps };
  const outcome = await start(null, openingRun(pluginRuns(client, timeoutMs), taskQueue), opened, unlimited);
  // Nothing claims a place without a database, so nothing else holds one.
  if ('heldBy' in outcome) return outcome.heldBy;
  return outcome.started;
}

function update<Input>(
  client: Client,
  invitationId: string,
  definition: UpdateDefinition<InvitationState, [Input]>,
  input: Input,
): Promise<InvitationView> {
  return runUpdate(pluginRuns(client), invitationId, definition, input);
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
  const acceptor = { userId, ...(email !== undefined && { email }) };
  // The invitee the email rule compares with is the run's; without a workspace no rule needs it.
  const invitation = workspace
    ? await getInvitation(client, invitationId)
    : { id: invitationId, invitee: { userId: null, email: null } };
  return accept(pluginRuns(client), invitation, acceptor, 'link', { settings: workspace?.settings });
}

export function revokeInvitation(
  client: Client,
  invitationId: string,
  { by }: { by?: string } = {},
): Promise<InvitationView> {
  return update(client, invitationId, revokeUpdate, { by });
}

/** Sends again with a fresh expiry; works on an expired invitation too. */
export function resendInvitation(
  client: Client,
  invitationId: string,
  { by }: { by?: string } = {},
): Promise<InvitationView> {
  return update(client, invitationId, resendUpdate, { by });
}

/** The invitation's state as its workflow holds it, while Temporal keeps its run. */
export async function getInvitation(client: Client, invitationId: string): Promise<InvitationView> {
  const handle = client.workflow.getHandle(invitationWorkflowId(invitationId));
  return invitationView(await handle.query(stateQuery));
}
