import { randomBytes, randomUUID } from 'node:crypto';
import { Runtime } from '@temporalio/worker';
import type { DestinationStream } from 'pino';
import { loadConfig } from '../../config/config';
import { freePort } from '../../embedded/free-port';
import { startMailCatcher, type MailCatcher } from '../../embedded/mail-catcher';
import { startSmsCatcher, type SmsCatcher } from '../../embedded/sms-catcher';
import { createLogger } from '../../runtime/logger';
import { temporalLogger } from '../../runtime/temporal-logging';
import { devMailboxRoutes } from '../../runtime/dev-mailbox';
import { runInviteflow, Stack, type Running } from '../../runtime/services';
import { createTestDatabase } from './database';
import { testServers } from './servers';

export interface TestInviteflow extends Running {
  apiUrl: string;
  databaseUrl: string;
  apiKey: string;
  secret: string;
  taskQueue: string;
  catcher: MailCatcher;
  /** The Twilio-compatible API the worker's real Twilio SDK sends to. */
  sms: SmsCatcher;
  /** `fetch` against the API with the platform key. */
  call(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; headers: Headers; body: any }>;
  stop(): Promise<void>;
}

/**
 * inviteflow's API and worker, in this process, against the run's Temporal
 * and PostgreSQL, a fresh database, its own task queue, a real SMTP catcher
 * and a Twilio-compatible SMS catcher. The API listens on PUBLIC_BASE_URL, so
 * the catcher's signed status callbacks reach it.
 */
export async function startTestInviteflow(
  settings: Record<string, string> = {},
  overrides: {
    temporalAddress?: string;
    smtpUrl?: string;
    worker?: boolean;
    sms?: false;
    /** Another process of the same deployment: its database, API key, secret and task queue. */
    sameDeploymentAs?: TestInviteflow;
    /** INVITEFLOW_SECRET, when not the deployment's (a misconfigured start). */
    secret?: string;
    /** Where the logs go (API, worker and the Temporal SDK's), at the LOG_LEVEL in `settings`. */
    logStream?: DestinationStream;
    /** What `inviteflow start` adds: the hosted page's development form and the mailbox pages. */
    devTools?: boolean;
  } = {},
): Promise<TestInviteflow> {
  const servers = testServers();
  const shared = overrides.sameDeploymentAs;
  const apiKey = shared?.apiKey ?? `test-key-${randomUUID()}`;
  const secret = overrides.secret ?? shared?.secret ?? randomBytes(32).toString('base64url');
  const taskQueue = shared?.taskQueue ?? `test-${randomUUID()}`;
  const [databaseUrl, catcher, sms, port] = await Promise.all([
    shared?.databaseUrl ?? createTestDatabase(),
    startMailCatcher(),
    startSmsCatcher(),
    freePort(),
  ]);
  const config = loadConfig({
    PORT: String(port),
    PUBLIC_BASE_URL: `http://localhost:${port}`,
    TEMPORAL_TASK_QUEUE: taskQueue,
    LOG_LEVEL: 'silent',
    // Test webhook receivers listen on loopback.
    WEBHOOK_ALLOWED_NETWORKS: '127.0.0.0/8,::1',
    ...settings,
  });
  const stack = new Stack(createLogger('silent'));
  const log = createLogger(config.LOG_LEVEL, 'inviteflow', overrides.logStream);
  if (overrides.logStream) {
    // The SDK's Runtime is installed once per test file (quiet-temporal-runtime); a worker takes its logger when created.
    const runtime = Runtime.instance();
    const quiet = runtime.logger;
    Object.assign(runtime, { logger: temporalLogger(log) });
    stack.add('Temporal log capture', async () => {
      Object.assign(runtime, { logger: quiet });
    });
  }
  stack.add('mail catcher', () => catcher.stop());
  stack.add('SMS catcher', () => sms.stop());
  // A start that fails (a refused configuration) leaves nothing running behind it.
  const running = await runInviteflow(
    stack,
    config,
    {
      temporalAddress: overrides.temporalAddress ?? servers.temporalAddress,
      databaseUrl,
      smtpUrl: overrides.smtpUrl ?? catcher.url,
      twilio:
        overrides.sms === false
          ? null
          : { accountSid: sms.accountSid, authToken: sms.authToken, from: '+15005550006', apiUrl: sms.url },
      apiKey,
      secret,
    },
    log,
    {
      api: true,
      worker: overrides.worker ?? true,
      workflowBundlePath: servers.workflowBundlePath,
      devAcceptForm: overrides.devTools,
      extraRoutes: overrides.devTools ? [devMailboxRoutes({ mail: catcher, sms })] : [],
    },
  ).catch(async (error: unknown) => {
    await stack.stop();
    throw error;
  });
  const apiUrl = running.api!.url;
  return {
    ...running,
    apiUrl,
    databaseUrl,
    apiKey,
    secret,
    taskQueue,
    catcher,
    sms,
    async call(method, path, body, headers = {}) {
      const response = await fetch(`${apiUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${apiKey}`,
          ...headers,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
    },
    stop: () => stack.stop(),
  };
}

/** The invitation link in a caught email's plain text. */
export function linkIn(text: string): URL {
  const match = /https?:\/\/\S+token=\S+/.exec(text);
  if (!match) throw new Error('no invitation link in the email');
  return new URL(match[0]);
}

/** A bulk import as the API shows it once it has completed (or as it stood after 10 s). */
export async function completedImport(app: TestInviteflow, workspaceId: string, bulkId: string): Promise<any> {
  let bulk: any;
  for (let attempt = 0; attempt < 100 && bulk?.status !== 'completed'; attempt += 1) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 100));
    bulk = (await app.call('GET', `/v1/workspaces/${workspaceId}/invitations/bulk/${bulkId}`)).body;
  }
  return bulk;
}
