import { concurrentSends } from '../../store/sent-messages';
import { invitees, startBulkImport, workspaceId } from './support/bulk-run';
import { arrivalsBeforeFaults, tallyEmails, unexplainedDuplicates } from './support/emails';
import { waitForAllSent } from './support/projection';
import { faultSeed, seededRandom } from './support/random';
import { FaultStack } from './support/stack';
import { waitUntil } from './support/wait';
import { deliveredEvents, refusedAttempts, startDownConsumer } from './support/webhook-consumer';
import { waitForSettledRuns } from './support/workflows';

const kills = 3;
// A send's claim commits once the SMTP server accepts: only a message the worker had written in full when it died,
// which the server then takes, goes out twice. A worker has at most `concurrentSends` messages on the wire.
const maxDuplicates = kills * concurrentSends;

// Webhook retries come at once, after 5 s (±10 %), then after 5 minutes (domain/webhook-schedule.ts), and a
// `Retry-After` only ever lengthens a wait: a message whose first two attempts fail waits five minutes. So the
// consumer stays down, refusing then answering 503, for less than 4.5 s after the first refusal; every message it
// turned away is tried again once it is back, and the suite does not wait five minutes.
const refusingMs = 1_000;
const unavailableMs = 2_000;

let stack: FaultStack;
let consumer: Awaited<ReturnType<typeof startDownConsumer>>;

beforeAll(async () => {
  [stack, consumer] = await Promise.all([FaultStack.start(), startDownConsumer()]);
}, 150_000);

afterAll(async () => {
  await stack?.stop();
  await consumer?.close();
});

test('kill -9 of the worker mid-import while the webhook consumer is down at first: every invitation sent, duplicate emails only of the sends on the wire at each kill, every event delivered', async () => {
  const random = seededRandom(faultSeed('worker kills'));
  const endpoint = await stack.call('POST', '/v1/webhook-endpoints', { url: consumer.url });
  expect(endpoint.status).toBe(201);
  const secret = endpoint.body.secret as string;
  const emails = invitees(300);
  const startedAt = Date.now();
  const bulkId = await startBulkImport(stack, emails);

  await waitUntil(
    'a webhook attempt refused by the down consumer',
    async () => (await refusedAttempts(stack.databaseUrl)) > 0,
    { timeoutMs: 60_000, intervalMs: 100 },
  );
  consumer.recover({ refusingMs, unavailableMs });

  const killedAt: number[] = [];
  // Each kill lands while the worker is sending, by how far the import got rather than by time: the k-th once about
  // k / (kills + 1) of the emails arrived, give or take a quarter of a step, at a point the seed picks. A worker
  // sends a batch in about a second, so a kill timed after the first email of a restart could come after the last.
  const step = emails.length / (kills + 1);
  for (let kill = 1; kill <= kills; kill += 1) {
    const target = Math.round(kill * step + (random() - 0.5) * (step / 2));
    await stack.worker.ready;
    await waitUntil(`${target} emails, before kill ${kill}`, () => stack.catcher.messages().length >= target, {
      timeoutMs: 60_000,
      intervalMs: 20,
    });
    const receivedAtKill = stack.catcher.messages().length;
    killedAt.push(Date.now());
    await stack.killAndRestartWorker();
    console.log(`worker kills: kill ${kill} at ${receivedAtKill} emails received (aimed at ${target})`);
  }

  const invitations = await waitForAllSent(stack.databaseUrl, workspaceId, bulkId, emails, 120_000);
  expect(invitations).toHaveLength(emails.length);
  await waitUntil(
    'an email for every invitee',
    () => tallyEmails(stack.catcher.messages(), emails).missing.length === 0,
    {
      timeoutMs: 60_000,
      progress: () => `${tallyEmails(stack.catcher.messages(), emails).missing.length} invitees still without one`,
    },
  );

  // What a bulk-imported, sent invitation announces: its creation and its send; then the import's end.
  const expected = [
    ...invitations.flatMap((invitation) => [`invitation.created ${invitation.id}`, `invitation.sent ${invitation.id}`]),
    `bulk.completed ${bulkId}`,
  ];
  const delivered = deliveredEvents(consumer.received, secret);
  const undelivered = () => expected.filter((event) => !delivered().has(event));
  await waitUntil('every event delivered to the recovered consumer', () => undelivered().length === 0, {
    timeoutMs: 120_000,
    intervalMs: 1_000,
    progress: () => `${expected.length - undelivered().length} of ${expected.length} delivered`,
  });
  // A send cut short by a kill is retried once its heartbeat timeout passes: count only after every retry.
  await waitForSettledRuns(
    stack.temporalAddress,
    invitations.map((invitation) => invitation.id),
    60_000,
  );

  const tally = tallyEmails(stack.catcher.messages(), emails);
  const refused = await refusedAttempts(stack.databaseUrl);
  const unavailable = consumer.received.filter((received) => received.status === 503).length;
  console.log(
    `worker kills: ${kills} kills, ${tally.total} emails for ${emails.length} invitations, ` +
      `${tally.duplicates} duplicates (same Message-ID); ${expected.length} events delivered after ${refused} ` +
      `attempts refused and ${unavailable} answered 503, ${consumer.received.length} requests in all; ` +
      `everything settled after ${Math.round((Date.now() - startedAt) / 1000)} s`,
  );
  if (tally.duplicates > 0) {
    console.log(
      `worker kills: each duplicate's first copy reached the SMTP server this many ms before its kill: ` +
        arrivalsBeforeFaults(tally, killedAt).join(', '),
    );
  }
  expect(tally.missing).toEqual([]);
  expect(tally.differingMessageIds).toEqual([]);
  expect(tally.duplicates).toBeLessThanOrEqual(maxDuplicates);
  expect(unexplainedDuplicates(tally, killedAt)).toEqual([]);
  expect(refused).toBeGreaterThan(0);
  expect([...delivered()].sort()).toEqual([...expected].sort());
}, 420_000);
