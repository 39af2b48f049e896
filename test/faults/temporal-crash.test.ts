import { invitationWorkflowId } from '../../domain/invitation';
import { invitees, startBulkImport, workspaceId } from './support/bulk-run';
import { tallyEmails, unexplainedDuplicates } from './support/emails';
import { sentCount, waitForAllSent } from './support/projection';
import { FaultStack } from './support/stack';
import { waitUntil } from './support/wait';
import { invitationWorkflowIds, waitForSettledRuns } from './support/workflows';

let stack: FaultStack;

beforeAll(async () => {
  stack = await FaultStack.start();
}, 150_000);

afterAll(async () => {
  await stack?.stop();
});

test('the Temporal server is killed mid-import and started again: the import completes, none lost, none twice', async () => {
  const emails = invitees(600);
  const bulkId = await startBulkImport(stack, emails);

  let sentBeforeCrash = 0;
  await waitUntil(
    'some invitations sent before the crash',
    async () => (sentBeforeCrash = await sentCount(stack.databaseUrl, workspaceId)) >= 50,
    { timeoutMs: 90_000, progress: () => `${sentBeforeCrash} sent` },
  );
  const crashedAt = Date.now();
  // SIGKILL: the server flushes nothing, as when its machine dies; what it acknowledged must still be there.
  await stack.crashAndRestartTemporal();
  console.log(
    `temporal crash: killed with ${sentBeforeCrash} of ${emails.length} sent, serving again after ${Date.now() - crashedAt} ms`,
  );

  const invitations = await waitForAllSent(stack.databaseUrl, workspaceId, bulkId, emails, 180_000);
  expect(invitations.map((invitation) => invitation.email).sort()).toEqual([...emails].sort());
  await waitUntil(
    'an email for every invitee',
    () => tallyEmails(stack.catcher.messages(), emails).missing.length === 0,
    {
      timeoutMs: 60_000,
    },
  );
  await waitForSettledRuns(
    stack.temporalAddress,
    invitations.map((invitation) => invitation.id),
    60_000,
  );
  const runs = await invitationWorkflowIds(stack.temporalAddress);
  expect([...runs].sort()).toEqual(invitations.map((invitation) => invitationWorkflowId(invitation.id)).sort());
  const tally = tallyEmails(stack.catcher.messages(), emails);
  console.log(`temporal crash: ${tally.total} emails for ${emails.length} invitations, ${tally.duplicates} duplicates`);
  expect(tally.missing).toEqual([]);
  expect(tally.differingMessageIds).toEqual([]);
  expect(unexplainedDuplicates(tally, [crashedAt])).toEqual([]);
}, 420_000);
