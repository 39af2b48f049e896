import { Connection } from '@temporalio/client';
import { invitationWorkflowId } from '../../../domain/invitation';
import { waitUntil } from './wait';

const namespace = 'default';

/** A connection for one look: Temporal may have been restarted since the last. */
async function withTemporal<T>(address: string, use: (connection: Connection) => Promise<T>): Promise<T> {
  const connection = await Connection.connect({ address, connectTimeout: 5_000 });
  try {
    return await use(connection);
  } finally {
    await connection.close();
  }
}

/** The ids of every invitation workflow the namespace has run, from Temporal's visibility store. */
export async function invitationWorkflowIds(temporalAddress: string): Promise<Set<string>> {
  return withTemporal(temporalAddress, async (connection) => {
    const ids = new Set<string>();
    let nextPageToken: Uint8Array | undefined;
    do {
      const page = await connection.workflowService.listWorkflowExecutions({
        namespace,
        query: "WorkflowType = 'invitationWorkflow'",
        pageSize: 1000,
        nextPageToken,
      });
      for (const execution of page.executions) ids.add(execution.execution!.workflowId!);
      nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
    } while (nextPageToken);
    return ids;
  });
}

/** How many of these invitations' runs still have an activity scheduled or running (a send, a write). */
async function busyRuns(temporalAddress: string, invitationIds: string[]): Promise<number> {
  return withTemporal(temporalAddress, async (connection) => {
    let busy = 0;
    // A few at a time: 300 describes at once would compete with the run being observed.
    for (let start = 0; start < invitationIds.length; start += 20) {
      const described = await Promise.all(
        invitationIds.slice(start, start + 20).map((id) =>
          connection.workflowService.describeWorkflowExecution({
            namespace,
            execution: { workflowId: invitationWorkflowId(id) },
          }),
        ),
      );
      busy += described.filter((run) => (run.pendingActivities?.length ?? 0) > 0).length;
    }
    return busy;
  });
}

/**
 * Waits until no run of these invitations has an activity left to finish, so
 * every send that will ever be retried has been: counting emails before that
 * could miss a duplicate still to come.
 */
export async function waitForSettledRuns(temporalAddress: string, invitationIds: string[], timeoutMs: number) {
  let busy = invitationIds.length;
  await waitUntil(
    `every invitation run without pending activities`,
    async () => (busy = await busyRuns(temporalAddress, invitationIds)) === 0,
    { timeoutMs, intervalMs: 1_000, progress: () => `${busy} runs still had activities pending` },
  );
}
