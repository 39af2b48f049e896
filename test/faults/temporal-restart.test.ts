import { invitees, startBulkImport, workspaceId } from './support/bulk-run';
import { tallyEmails, unexplainedDuplicates } from './support/emails';
import { sentCount, waitForAllSent } from './support/projection';
import { FaultStack } from './support/stack';
import { waitUntil } from './support/wait';
import { invitationWorkflowIds, waitForSettledRuns } from './support/workflows';
import { invitationWorkflowId } from '../../domain/invitation';

let stack: FaultStack;

beforeAll(async () => {
  stack = await FaultStack.start();
}, 150_000);

afterAll(async () => {
  await stack?.stop();
});

test('the Temporal server restarts mid-import on its database file: the import completes, none lost', async () => {
  const emails = invitees(300);
  const bulkId = await startBulkImport(stack, emails);
  let sent = 0;
  await waitUntil(
    '50 invitations sent before the restart',
    async () => (sent = await sentCount(stack.databaseUrl, workspaceId)) >= 50,
    {
      timeoutMs: 90_000,
      progress: () => `${sent} sent`,
    },
  );

  const stoppedAt = Date.now();
  await stack.restartTemporal();
  console.log(
    `temporal restart: stopped with ${sent} of ${emails.length} sent, serving again after ${Date.now() - stoppedAt} ms`,
  );

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
  await waitForSettledRuns(
    stack.temporalAddress,
    invitations.map((invitation) => invitation.id),
    120_000,
  );

  const tally = tallyEmails(stack.catcher.messages(), emails);
  console.log(
    `temporal restart: ${tally.total} emails for ${emails.length} invitations, ${tally.duplicates} duplicates`,
  );
  expect(tally.missing).toEqual([]);
  expect(tally.differingMessageIds).toEqual([]);
  expect(unexplainedDuplicates(tally, [stoppedAt])).toEqual([]);
  // The restarted server kept every run: one per invitation, none extra.
  const runs = await invitationWorkflowIds(stack.temporalAddress);
  expect([...runs].sort()).toEqual(invitations.map((invitation) => invitationWorkflowId(invitation.id)).sort());
}, 420_000);
