import { setTimeout as sleep } from 'node:timers/promises';
import { invitees, startBulkImport, workspaceId } from './support/bulk-run';
import { tallyEmails, unexplainedDuplicates } from './support/emails';
import { waitForAllSent } from './support/projection';
import { faultSeed, seededRandom } from './support/random';
import { FaultStack } from './support/stack';
import { waitUntil } from './support/wait';
import { waitForSettledRuns } from './support/workflows';

const kills = 3;
let stack: FaultStack;

beforeAll(async () => {
  stack = await FaultStack.start();
}, 150_000);

afterAll(async () => {
  await stack?.stop();
});

test('kill -9 of the worker, several times mid-import: every invitation is sent once, none lost', async () => {
  const random = seededRandom(faultSeed('worker kills'));
  const emails = invitees(300);
  const startedAt = Date.now();
  const bulkId = await startBulkImport(stack, emails);

  const killedAt: number[] = [];
  for (let kill = 1; kill <= kills; kill += 1) {
    // Each kill lands while the worker is at work: some time after it is up, at a point the seed picks.
    await stack.worker.ready;
    const after = Math.round(500 + random() * 2_500);
    await sleep(after);
    const received = stack.catcher.messages().length;
    killedAt.push(Date.now());
    await stack.killAndRestartWorker();
    console.log(`worker kills: kill ${kill} ${after} ms after the worker was up, ${received} emails received by then`);
  }

  const invitations = await waitForAllSent(stack.databaseUrl, workspaceId, bulkId, emails, 150_000);
  expect(invitations).toHaveLength(emails.length);
  await waitUntil(
    'an email for every invitee',
    () => tallyEmails(stack.catcher.messages(), emails).missing.length === 0,
    {
      timeoutMs: 120_000,
      progress: () => `${tallyEmails(stack.catcher.messages(), emails).missing.length} invitees still without one`,
    },
  );
  // A send cut short by a kill is retried once its start-to-close timeout passes: count only after every retry.
  await waitForSettledRuns(
    stack.temporalAddress,
    invitations.map((invitation) => invitation.id),
    120_000,
  );

  const tally = tallyEmails(stack.catcher.messages(), emails);
  console.log(
    `worker kills: ${kills} kills, ${tally.total} emails for ${emails.length} invitations, ` +
      `${tally.duplicates} duplicates (same Message-ID), everything settled after ${Math.round((Date.now() - startedAt) / 1000)} s`,
  );
  expect(tally.missing).toEqual([]);
  expect(tally.differingMessageIds).toEqual([]);
  expect(unexplainedDuplicates(tally, killedAt)).toEqual([]);
}, 420_000);
