import { randomBytes, randomUUID } from 'node:crypto';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { loadConfig } from '../../config/config';
import { createOrm } from '../../db/orm';
import { startMailCatcher, type MailCatcher } from '../../embedded/mail-catcher';
import { createLogger } from '../../runtime/logger';
import { runInviteflow, Stack, type Running } from '../../runtime/services';
import { testServers } from './servers';

let runtimeInstalled = false;

/** The SDK logs to the console by default; tests only want its warnings. */
function quietTemporalRuntime(): void {
  if (runtimeInstalled) return;
  Runtime.install({ logger: new DefaultLogger('WARN') });
  runtimeInstalled = true;
}

/** A database of its own for each test file, next to the shared server's maintenance database. */
async function createTestDatabase(maintenanceUrl: string): Promise<string> {
  const name = `test_${randomBytes(6).toString('hex')}`;
  const orm = await createOrm(maintenanceUrl);
  try {
    await orm.em.getConnection().execute(`create database ${name}`);
  } finally {
    await orm.close();
  }
  const url = new URL(maintenanceUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export interface TestInviteflow extends Running {
  apiUrl: string;
  apiKey: string;
  secret: string;
  taskQueue: string;
  catcher: MailCatcher;
  /** `fetch` against the API with the platform key. */
  call(method: string, path: string, body?: unknown): Promise<{ status: number; headers: Headers; body: any }>;
  stop(): Promise<void>;
}

/**
 * inviteflow's API and worker, in this process, against the run's Temporal
 * and PostgreSQL, a fresh database, its own task queue and a real SMTP catcher.
 */
export async function startTestInviteflow(settings: Record<string, string> = {}): Promise<TestInviteflow> {
  quietTemporalRuntime();
  const servers = testServers();
  const apiKey = `test-key-${randomUUID()}`;
  const secret = randomBytes(32).toString('base64url');
  const taskQueue = `test-${randomUUID()}`;
  const [databaseUrl, catcher] = await Promise.all([createTestDatabase(servers.databaseUrl), startMailCatcher()]);
  const config = loadConfig({ PORT: '0', TEMPORAL_TASK_QUEUE: taskQueue, LOG_LEVEL: 'silent', ...settings });
  const stack = new Stack(createLogger('silent'));
  stack.add('mail catcher', () => catcher.stop());
  const running = await runInviteflow(
    stack,
    config,
    { temporalAddress: servers.temporalAddress, databaseUrl, smtpUrl: catcher.url, apiKey, secret },
    createLogger(config.LOG_LEVEL),
    { api: true, worker: true, workflowBundlePath: servers.workflowBundlePath },
  );
  const apiUrl = running.api!.url;
  return {
    ...running,
    apiUrl,
    apiKey,
    secret,
    taskQueue,
    catcher,
    async call(method, path, body) {
      const response = await fetch(`${apiUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${apiKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
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
