import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { invitationWorkflowId } from '../../domain/invitation';
import { invitees, startBulkImport, workspaceId } from './support/bulk-run';
import { tallyEmails, unexplainedDuplicates } from './support/emails';
import { sentCount, waitForAllSent } from './support/projection';
import { FaultStack, type ApiAnswer } from './support/stack';
import { waitUntil } from './support/wait';
import { invitationWorkflowIds, waitForSettledRuns } from './support/workflows';

const outageMs = 5_000;
let stack: FaultStack;

beforeAll(async () => {
  stack = await FaultStack.start();
}, 150_000);

afterAll(async () => {
  await stack?.stop();
});

function expectUnavailable(answer: ApiAnswer): void {
  expect({ status: answer.status, code: answer.body?.code }).toEqual({ status: 503, code: 'unavailable' });
  expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
}

/** Claims on a person's place whose invitation the projection does not hold: a create written by half. */
async function orphanedClaims(databaseUrl: string): Promise<string[]> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ invitation_id: string }>(
      'select distinct invitation_id from open_invitations where invitation_id not in (select id from invitations)',
    );
    return rows.map((row) => row.invitation_id);
  } finally {
    await client.end();
  }
}

async function waitForSent(count: number, before: string): Promise<number> {
  let sent = 0;
  await waitUntil(
    `${count} invitations sent before ${before}`,
    async () => (sent = await sentCount(stack.databaseUrl, workspaceId)) >= count,
    { timeoutMs: 90_000, progress: () => `${sent} sent` },
  );
  return sent;
}

test('the Temporal server restarts, then PostgreSQL stops, mid-import: the import completes, none lost, nothing half-written', async () => {
  // Enough rows that both faults land mid-import (batches send 300 in about two seconds), and fewer than the
  // 1,000 messages the mail catcher keeps.
  const emails = invitees(900);
  const bulkId = await startBulkImport(stack, emails);

  // Temporal restarts on its database file.
  const sentBeforeRestart = await waitForSent(50, 'the Temporal restart');
  const restartedAt = Date.now();
  await stack.restartTemporal();
  console.log(
    `temporal restart: stopped with ${sentBeforeRestart} of ${emails.length} sent, ` +
      `serving again after ${Date.now() - restartedAt} ms`,
  );

  // PostgreSQL stops: the API answers 503 to retry, and the worker's writes fail and back off a few times.
  const sentBeforeOutage = await waitForSent(sentBeforeRestart + 50, 'PostgreSQL stops');
  const stoppedAt = Date.now();
  await stack.stopPostgres();
  const created = await stack.call('POST', `/v1/workspaces/${workspaceId}/invitations`, {
    invitee: { email: 'during-outage@faults.example' },
    inviter: { userId: 'u-admin', roles: ['admin'] },
  });
  const listed = await stack.call('GET', `/v1/workspaces/${workspaceId}/invitations`);
  await sleep(Math.max(outageMs - (Date.now() - stoppedAt), 0));
  await stack.startPostgres();
  console.log(
    `postgres outage: stopped with ${sentBeforeOutage} of ${emails.length} sent, back after ${Date.now() - stoppedAt} ms`,
  );
  expectUnavailable(created);
  expectUnavailable(listed);

  const invitations = await waitForAllSent(stack.databaseUrl, workspaceId, bulkId, emails, 120_000);
  expect(invitations.map((invitation) => invitation.email).sort()).toEqual([...emails].sort());
  await waitUntil(
    'an email for every invitee',
    () => tallyEmails(stack.catcher.messages(), emails).missing.length === 0,
    {
      timeoutMs: 60_000,
      progress: () => `${tallyEmails(stack.catcher.messages(), emails).missing.length} invitees still without one`,
    },
  );
  await waitForSettledRuns(
    stack.temporalAddress,
    invitations.map((invitation) => invitation.id),
    60_000,
  );

  // The restarted server kept every run: one per invitation, none extra; the refused create left neither, nor a claim.
  const runs = await invitationWorkflowIds(stack.temporalAddress);
  expect([...runs].sort()).toEqual(invitations.map((invitation) => invitationWorkflowId(invitation.id)).sort());
  expect(await orphanedClaims(stack.databaseUrl)).toEqual([]);
  const tally = tallyEmails(stack.catcher.messages(), emails);
  console.log(
    `temporal restart and postgres outage: ${tally.total} emails for ${emails.length} invitations, ` +
      `${tally.duplicates} duplicates`,
  );
  expect(tally.missing).toEqual([]);
  expect(tally.differingMessageIds).toEqual([]);
  expect(unexplainedDuplicates(tally, [restartedAt, stoppedAt])).toEqual([]);
}, 420_000);
