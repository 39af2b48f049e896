import { startTestInviteflow, type TestInviteflow } from '../support/harness';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';
import { addWebhookEndpoint } from '../support/webhook-endpoint';

/** Every JSON line inviteflow logs, API and Temporal SDK alike, at debug. */
const lines: Record<string, unknown>[] = [];
let app: TestInviteflow;
let hooks: WebhookReceiver;

beforeAll(async () => {
  hooks = await startWebhookReceiver();
  app = await startTestInviteflow(
    { LOG_LEVEL: 'debug' },
    { logStream: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) } },
  );
  expect((await app.call('PUT', '/v1/workspaces/trace', { name: 'Trace' })).status).toBe(201);
  await addWebhookEndpoint(app, hooks);
});

afterAll(async () => {
  await app?.stop();
  await hooks?.close();
});

async function eventually<T>(find: () => T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error('not logged in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

test("a request's id is echoed, logged with it, and follows it into workflows and activities", async () => {
  const created = await app.call(
    'POST',
    '/v1/workspaces/trace/invitations',
    { invitee: { email: 'trace@example.org' }, roles: ['member'], inviter: { userId: 'u-admin', roles: ['admin'] } },
    { 'x-request-id': 'req-e2e-1' },
  );
  expect(created.status).toBe(201);
  expect(created.headers.get('x-request-id')).toBe('req-e2e-1');

  const http = lines.find((line) => (line.req as { id?: unknown } | undefined)?.id === 'req-e2e-1');
  expect(http).toMatchObject({ req: { method: 'POST', path: '/v1/workspaces/trace/invitations' } });

  // The SDK logs each activity's completion with the activity's log attributes.
  const activity = await eventually(() =>
    lines.find(
      (line) => line.component === 'temporal' && line.activityType !== undefined && line.requestId !== undefined,
    ),
  );
  expect(activity).toMatchObject({ requestId: 'req-e2e-1', workflowType: 'invitationWorkflow' });
  expect(activity.workflowId).toBe(`invitation-${created.body.id}`);

  // An activity of that workflow woke the webhook dispatcher: its drain carries it on.
  const delivery = await eventually(() =>
    lines.find(
      (line) =>
        line.component === 'temporal' &&
        line.workflowType === 'webhookDispatcherWorkflow' &&
        line.activityType !== undefined &&
        line.requestId !== undefined,
    ),
  );
  expect(delivery.requestId).toBe('req-e2e-1');
});

test('a request without an id, or with one unfit for logs, gets a fresh one', async () => {
  for (const given of [undefined, 'not fit for logs']) {
    const response = await fetch(`${app.apiUrl}/healthz`, { headers: given ? { 'x-request-id': given } : {} });
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  }
});
