import type { TestInviteflow } from '../harness';

/** Row counts of every table of the test's database (the deliveries attempted, for the attempt log) and the number of workflows on its task queue. */
export type Footprint = Record<string, number>;

/** What a refused request may still leave behind on purpose, by table. */
export interface Allowed {
  /** A POST with a well-formed Idempotency-Key remembers its answer, business refusals included, to replay them. */
  idempotencyKeys: boolean;
  /** Failed code and token tries are logged for the rate limit. */
  joinAttempts: boolean;
}

const workflowsKey = 'temporal workflows';

/**
 * Reads a footprint with one `count(*)` per table in a single query and one
 * visibility count: cheap enough to take around every request.
 */
export async function footprintReader(app: TestInviteflow): Promise<() => Promise<Footprint>> {
  const connection = app.orm.em.getConnection();
  const tables = await connection.execute<{ table_name: string }[]>(
    `select table_name from information_schema.tables
     where table_schema = current_schema() and table_type = 'BASE TABLE' order by table_name`,
  );
  if (tables.length === 0) throw new Error('no tables in the test database');
  // A dispatcher retries a failed delivery on its own schedule, minutes after the request that queued it: the
  // attempts a request can cause are of deliveries not attempted before, so those are what is counted.
  const counted = (table: string) => (table === 'webhook_attempts' ? 'count(distinct delivery_id)' : 'count(*)');
  const counts = tables
    .map(({ table_name }) => `select '${table_name}' as name, ${counted(table_name)}::int as rows from "${table_name}"`)
    .join(' union all ');
  return async () => {
    const [rows, workflows] = await Promise.all([
      connection.execute<{ name: string; rows: number }[]>(counts),
      app.client.workflow.count(`TaskQueue = '${app.taskQueue}'`),
    ]);
    return { ...Object.fromEntries(rows.map((row) => [row.name, row.rows])), [workflowsKey]: workflows.count };
  };
}

/** The tables (and workflow count) that changed between two footprints, less what `allowed` permits. */
export function changes(before: Footprint, after: Footprint, allowed: Allowed): string[] {
  const exempt = new Set([
    ...(allowed.idempotencyKeys ? ['idempotency_keys'] : []),
    ...(allowed.joinAttempts ? ['join_attempts'] : []),
  ]);
  return Object.keys({ ...before, ...after })
    .filter((name) => !exempt.has(name) && before[name] !== after[name])
    .map((name) => `${name}: ${before[name]} -> ${after[name]}`);
}

const sameFootprint = (a: Footprint, b: Footprint) =>
  changes(a, b, { idempotencyKeys: false, joinAttempts: false }).length === 0;

/**
 * How much of an accepted request's work is still under way: bulk imports
 * running (they record `bulk.completed` last), invitations started since
 * `since` with a workflow task or an activity pending, and webhook
 * deliveries due now, which a dispatcher is about to attempt (a replay, or
 * the event of a change to a member). A quiet footprint alone is not enough
 * on a busy machine: an import can pause for longer between two writes.
 */
export function inFlightReader(app: TestInviteflow): (since: Date) => Promise<number> {
  const connection = app.orm.em.getConnection();
  return async (since) => {
    const [due] = await connection.execute<{ due: number }[]>(
      `select count(*)::int as due from webhook_deliveries where status = 'pending' and next_attempt_at <= now()`,
    );
    let inFlight = due?.due ?? 0;
    const query = `TaskQueue = '${app.taskQueue}' AND ExecutionStatus = 'Running'`;
    for await (const run of app.client.workflow.list({ query })) {
      if (run.type === 'bulkImportWorkflow') inFlight += 1;
      if (run.type !== 'invitationWorkflow' || run.startTime < since) continue;
      const { raw } = await app.client.workflow.getHandle(run.workflowId, run.runId).describe();
      if ((raw.pendingActivities?.length ?? 0) > 0 || raw.pendingWorkflowTask) inFlight += 1;
    }
    return inFlight;
  };
}

/**
 * Waits until an accepted request's workflows and activities have stopped
 * writing, so their writes are not blamed on the refused requests after it.
 */
export async function settled(
  read: () => Promise<Footprint>,
  inFlight: () => Promise<number>,
  quietMs = 300,
  maxMs = 15_000,
): Promise<Footprint> {
  const deadline = Date.now() + maxMs;
  let last = await read();
  let quietSince = Date.now();
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const next = await read();
    if (!sameFootprint(last, next)) {
      last = next;
      quietSince = Date.now();
    } else if (Date.now() - quietSince >= quietMs && (await inFlight()) === 0) {
      return next;
    }
  }
  throw new Error(`the test's database and workflows were still changing after ${maxMs} ms`);
}
