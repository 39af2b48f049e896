import { Client } from 'pg';
import { verifyWebhook } from '../support/webhook-receiver';
import { invitees, startBulkImport, workspaceId } from './support/bulk-run';
import { waitForAllSent } from './support/projection';
import { FaultStack } from './support/stack';
import { waitUntil } from './support/wait';
import { startDownConsumer } from './support/webhook-consumer';

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

/** Attempts the delivery log holds without an answer: the consumer's port refused them. */
async function refusedAttempts(databaseUrl: string): Promise<number> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ count: string }>(
      'select count(*) as count from webhook_attempts where status_code is null',
    );
    return Number(rows[0]!.count);
  } finally {
    await client.end();
  }
}

test('a webhook consumer down for the first part of an import receives every event once it recovers', async () => {
  const endpoint = await stack.call('POST', '/v1/webhook-endpoints', { url: consumer.url });
  expect(endpoint.status).toBe(201);
  const secret = endpoint.body.secret as string;

  const emails = invitees(300);
  const bulkId = await startBulkImport(stack, emails);
  await waitUntil(
    'a webhook attempt refused by the down consumer',
    async () => (await refusedAttempts(stack.databaseUrl)) > 0,
    {
      timeoutMs: 60_000,
      intervalMs: 100,
    },
  );
  consumer.recover({ refusingMs, unavailableMs });
  const invitations = await waitForAllSent(stack.databaseUrl, workspaceId, bulkId, emails, 150_000);

  // What a bulk-imported, sent invitation announces: its creation and its send; then the import's end.
  const expected = [
    ...invitations.flatMap((invitation) => [`invitation.created ${invitation.id}`, `invitation.sent ${invitation.id}`]),
    `bulk.completed ${bulkId}`,
  ];
  const delivered = () => {
    const events = new Set<string>();
    for (const hook of consumer.received.filter((received) => received.status === 204)) {
      const { type, data } = verifyWebhook(hook, secret);
      events.add(`${type} ${data.invitation?.id ?? data.bulk?.id}`);
    }
    return events;
  };
  await waitUntil(
    'every event delivered to the recovered consumer',
    () => expected.every((event) => delivered().has(event)),
    {
      timeoutMs: 180_000,
      intervalMs: 1_000,
      progress: () => `${expected.filter((event) => delivered().has(event)).length} of ${expected.length} delivered`,
    },
  );

  const refused = await refusedAttempts(stack.databaseUrl);
  const unavailable = consumer.received.filter((received) => received.status === 503).length;
  const repeated = consumer.received.length - new Set(consumer.received.map((hook) => hook.headers['webhook-id'])).size;
  console.log(
    `webhook consumer down: ${expected.length} events delivered after ${refused} attempts refused and ` +
      `${unavailable} answered 503; ${consumer.received.length} requests in all, ${repeated} repeating a webhook-id`,
  );
  expect(refused).toBeGreaterThan(0);
  expect([...delivered()].sort()).toEqual([...expected].sort());
}, 420_000);
