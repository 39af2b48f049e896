import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { repoRoot } from '../../config/paths';
import { freePort } from '../../embedded/free-port';
import { addWorkspaceKey } from '../support/api-keys';
import { createTestDatabase } from '../support/database';
import { startTestInviteflow, type TestInviteflow } from '../support/harness';
import { invite } from '../support/invite';
import { testServers } from '../support/servers';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';
import { addWebhookEndpoint } from '../support/webhook-endpoint';

let app: TestInviteflow;
let hooks: WebhookReceiver;

beforeAll(async () => {
  [app, hooks] = await Promise.all([startTestInviteflow(), startWebhookReceiver()]);
  expect((await app.call('PUT', '/v1/workspaces/acme', { name: 'Acme' })).status).toBe(201);
  await addWebhookEndpoint(app, hooks);
});

afterAll(async () => {
  await app?.stop();
  await hooks?.close();
});

type Samples = Map<string, number>;

/** Every sample of the Prometheus text, keyed by name and labels as exposed, e.g. `x_total{type="sent"}`. */
async function scrape(): Promise<{ samples: Samples; text: string; contentType: string | null }> {
  const response = await fetch(`${app.apiUrl}/metrics`, { headers: { authorization: `Bearer ${app.apiKey}` } });
  expect(response.status).toBe(200);
  const text = await response.text();
  const samples: Samples = new Map();
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*(?:\{[^}]*\})?) (\S+)$/.exec(line);
    if (match) samples.set(match[1]!, Number(match[2]));
  }
  return { samples, text, contentType: response.headers.get('content-type') };
}

const value = (samples: Samples, key: string) => samples.get(key) ?? 0;

async function until(check: () => Promise<boolean>): Promise<void> {
  for (let tries = 0; !(await check()); tries += 1) {
    if (tries > 100) throw new Error('the metrics never moved');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

test("the API's /metrics needs a platform key: its port faces hosts", async () => {
  expect((await fetch(`${app.apiUrl}/metrics`)).status).toBe(401);
  expect((await app.call('PUT', '/v1/workspaces/metrics-ws', { name: 'Scoped' })).status).toBe(201);
  const workspaceKey = await addWorkspaceKey(app, 'metrics-ws');
  const scoped = await fetch(`${app.apiUrl}/metrics`, { headers: { authorization: `Bearer ${workspaceKey}` } });
  expect([scoped.status, scoped.headers.get('content-type')]).toEqual([403, 'application/problem+json; charset=utf-8']);
});

test('counters move as an invitation is sent, accepted and announced', async () => {
  const before = (await scrape()).samples;
  const { token } = await invite(app, {
    workspace: 'acme',
    invitee: { email: 'mia@example.org', name: 'Mia' },
    body: { roles: ['member'] },
    tokenFrom: 'email',
  });
  expect((await app.call('POST', '/v1/invitations/accept', { token, userId: 'user-mia' })).status).toBe(200);

  const moved = (key: string, by: number) => async () =>
    value((await scrape()).samples, key) - value(before, key) >= by;
  await until(moved('inviteflow_invitation_transitions_total{type="accepted"}', 1));
  await until(moved('inviteflow_webhook_attempts_total{outcome="delivered",status="2xx"}', 3));
  const after = (await scrape()).samples;
  const delta = (key: string) => value(after, key) - value(before, key);

  expect(delta('inviteflow_invitation_transitions_total{type="created"}')).toBe(1);
  expect(delta('inviteflow_invitation_transitions_total{type="sent"}')).toBe(1);
  expect(delta('inviteflow_invitation_transitions_total{type="accepted"}')).toBe(1);
  expect(delta('inviteflow_deliveries_total{channel="email",outcome="sent"}')).toBe(1);
  expect(
    delta(
      'inviteflow_http_request_duration_seconds_count{method="POST",route="/v1/workspaces/:ws/invitations",status="201"}',
    ),
  ).toBe(1);
  expect(
    delta('inviteflow_http_request_duration_seconds_count{method="POST",route="/v1/invitations/accept",status="200"}'),
  ).toBe(1);
});

test('labels carry routes and types, never ids, tokens or addresses', async () => {
  const { text, contentType } = await scrape();
  expect(contentType).toMatch(/^text\/plain/);
  expect(text).toContain('inviteflow_process_cpu_seconds_total');
  expect(text).toMatch(/^inviteflow_bulk_rows_remaining 0$/m);
  expect(text).not.toMatch(/inv_[\w-]{6,}/);
  expect(text).not.toContain('example.org');
  expect(text).not.toContain('user-mia');
});

test('`inviteflow worker` serves its own /metrics with the Temporal SDK worker metrics folded in', async () => {
  const servers = testServers();
  const [port, databaseUrl] = await Promise.all([freePort(), createTestDatabase()]);
  const worker = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'bin', 'inviteflow.ts'), 'worker'], {
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: servers.temporalAddress,
      TEMPORAL_TASK_QUEUE: `metrics-${randomUUID()}`,
      DATABASE_URL: databaseUrl,
      SMTP_URL: app.catcher.url,
      INVITEFLOW_SECRET: randomBytes(32).toString('base64url'),
      METRICS_PORT: String(port),
      LOG_LEVEL: 'warn',
    },
    stdio: 'ignore',
  });
  const exited = new Promise((resolve) => worker.once('exit', resolve));
  try {
    let text = '';
    for (let tries = 0; !/^temporal_\w+\{/m.test(text); tries += 1) {
      if (tries > 300) throw new Error(`no SDK metrics on :${port}/metrics`);
      await new Promise((resolve) => setTimeout(resolve, 200));
      text = await fetch(`http://127.0.0.1:${port}/metrics`).then(
        (response) => response.text(),
        () => '',
      );
    }
    expect(text).toContain('inviteflow_deliveries_total');
    expect(text).toMatch(/^temporal_worker_task_slots_available\{/m);
  } finally {
    worker.kill('SIGTERM');
    await exited;
  }
}, 120_000);
