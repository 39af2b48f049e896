import { Client } from 'pg';
import { waitUntil } from './wait';

/** One query on a connection of its own: the database may have been restarted since the last one. */
async function query<Row>(databaseUrl: string, sql: string, values: unknown[] = []): Promise<Row[]> {
  const client = new Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return (await client.query(sql, values)).rows as Row[];
  } finally {
    await client.end();
  }
}

export interface ProjectedInvitation {
  id: string;
  email: string;
  status: string;
  sendCount: number;
}

/** The workspace's invitations as the projection holds them. */
export async function projectedInvitations(databaseUrl: string, workspaceId: string): Promise<ProjectedInvitation[]> {
  return query<ProjectedInvitation>(
    databaseUrl,
    `select id, email, status, send_count as "sendCount" from invitations where workspace_id = $1`,
    [workspaceId],
  );
}

/** Sent: pending on its invitee's side, with at least one send recorded. */
export function isSent(invitation: ProjectedInvitation): boolean {
  return invitation.status === 'pending' && invitation.sendCount >= 1;
}

/** An import's rows by outcome, and the import's status. */
export async function bulkState(
  databaseUrl: string,
  bulkId: string,
): Promise<{ status: string | undefined; outcomes: Record<string, number> }> {
  const [imports, rows] = await Promise.all([
    query<{ status: string }>(databaseUrl, 'select status from bulk_imports where id = $1', [bulkId]),
    query<{ outcome: string; count: string }>(
      databaseUrl,
      'select outcome, count(*) as count from bulk_rows where bulk_id = $1 group by outcome',
      [bulkId],
    ),
  ]);
  return {
    status: imports[0]?.status,
    outcomes: Object.fromEntries(rows.map((row) => [row.outcome, Number(row.count)])),
  };
}

/**
 * Waits until the projection holds an invitation for every one of `emails`,
 * each sent, and the import is completed with every row sent.
 */
export async function waitForAllSent(
  databaseUrl: string,
  workspaceId: string,
  bulkId: string,
  emails: string[],
  timeoutMs: number,
): Promise<ProjectedInvitation[]> {
  let invitations: ProjectedInvitation[] = [];
  let bulk: Awaited<ReturnType<typeof bulkState>> | undefined;
  await waitUntil(
    `all ${emails.length} invitations sent in the projection and import ${bulkId} completed`,
    async () => {
      [invitations, bulk] = await Promise.all([
        projectedInvitations(databaseUrl, workspaceId),
        bulkState(databaseUrl, bulkId),
      ]);
      const sent = new Set(invitations.filter(isSent).map((invitation) => invitation.email));
      return bulk.status === 'completed' && emails.every((email) => sent.has(email));
    },
    {
      timeoutMs,
      intervalMs: 500,
      progress: () =>
        `${invitations.filter(isSent).length} of ${emails.length} sent, ${invitations.length} projected, ` +
        `import ${bulk?.status ?? 'unknown'} with rows ${JSON.stringify(bulk?.outcomes ?? {})}`,
    },
  );
  return invitations;
}

/** How many of the workspace's invitations the projection shows sent now. */
export async function sentCount(databaseUrl: string, workspaceId: string): Promise<number> {
  return (await projectedInvitations(databaseUrl, workspaceId)).filter(isSent).length;
}
