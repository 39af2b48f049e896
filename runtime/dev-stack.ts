import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { twilioSettings, type Config } from '../config/config';
import { startMailCatcher } from '../embedded/mail-catcher';
import { startEmbeddedPostgres } from '../embedded/postgres';
import { startSmsCatcher } from '../embedded/sms-catcher';
import { startTemporalDevServer } from '../embedded/temporal-dev-server';
import { startTemporalServer } from '../embedded/temporal-server';
import { devMailboxRoutes } from './dev-mailbox';
import { searchAttributesForCli } from './search-attributes';
import { runInviteflow, Stack, type ServiceAddresses, type Running } from './services';

/** Well known on purpose: `inviteflow start` is for development, and the README's curl uses it. */
export const devApiKey = 'inviteflow-dev-key';

export const devPorts = { temporal: 7233, temporalUi: 8233, postgres: 5433, smtp: 1025, sms: 8025 };

/** The number the SMS catcher shows as sender: Twilio's own test "from" number. */
const devSmsFrom = '+15005550006';

/** Where embedded services keep their data between runs (under the OS temp dir: PostgreSQL runs as `postgres`). */
export const devDataDir = join(tmpdir(), 'inviteflow-dev');

/** A random secret kept with the dev data, so links stay valid across restarts. */
function devSecret(): string {
  const file = join(devDataDir, 'secret');
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('base64url'), { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}

export interface DevStack extends Running {
  stack: Stack;
  urls: Record<string, string>;
}

/**
 * `inviteflow start`: every service that is not configured runs embedded, then
 * the worker and the API run against them.
 */
/**
 * What `inviteflow start` changes in the configuration: the API listens on
 * this machine only (its outbox shows every link, tokens included), and
 * webhooks may go to receivers here, where development ones usually listen.
 */
export function devSettings(config: Config): Config {
  return {
    ...config,
    HOST: config.HOST ?? '127.0.0.1',
    WEBHOOK_ALLOWED_NETWORKS: [...config.WEBHOOK_ALLOWED_NETWORKS, '127.0.0.0/8', '::1'],
  };
}

/**
 * The dev server on its SQLite file, or (`TEMPORAL_SERVER=server`) the real
 * server with its own databases on the stack's PostgreSQL, each with its UI
 * decoding payloads through the API's codec endpoint.
 */
async function startEmbeddedTemporal(
  config: Config,
  databaseUrl: string,
  log: Logger,
): Promise<{ address: string; uiUrl: string | null; stop(): Promise<void> }> {
  const uiCodecEndpoint = `http://localhost:${config.PORT}/codec`;
  if (config.TEMPORAL_SERVER === 'server') {
    log.info('TEMPORAL_ADDRESS is not set: starting the Temporal server on the PostgreSQL (TEMPORAL_SERVER=server)');
    return startTemporalServer({
      postgresUrl: databaseUrl,
      dataDir: join(devDataDir, 'temporal-server'),
      port: devPorts.temporal,
      uiPort: devPorts.temporalUi,
      namespace: config.TEMPORAL_NAMESPACE,
      searchAttributes: searchAttributesForCli(),
      uiCodecEndpoint,
      log: (line) => log.debug({ temporal: line }),
    });
  }
  log.info('TEMPORAL_ADDRESS is not set: starting the embedded Temporal dev server');
  return startTemporalDevServer({
    port: devPorts.temporal,
    uiPort: devPorts.temporalUi,
    dbFilename: join(devDataDir, 'temporal.sqlite'),
    namespace: config.TEMPORAL_NAMESPACE,
    searchAttributes: searchAttributesForCli(),
    uiCodecEndpoint,
  });
}

export async function startDevStack(config: Config, log: Logger, sdkMetricsUrl?: string): Promise<DevStack> {
  mkdirSync(devDataDir, { recursive: true, mode: 0o777 });
  const stack = new Stack(log);
  const urls: Record<string, string> = {};
  try {
    let databaseUrl = config.DATABASE_URL;
    if (!databaseUrl) {
      log.info('DATABASE_URL is not set: starting the embedded PostgreSQL');
      const postgres = await startEmbeddedPostgres({
        port: devPorts.postgres,
        dataDir: join(devDataDir, 'postgres'),
        persistent: true,
      });
      stack.add('embedded PostgreSQL', () => postgres.stop());
      databaseUrl = postgres.url;
    }

    let temporalAddress = config.TEMPORAL_ADDRESS;
    const codecKeylessOrigins: string[] = [];
    if (!temporalAddress) {
      const temporal = await startEmbeddedTemporal(config, databaseUrl, log);
      // Development only: the embedded UI has no log-in to pass an API key from, so the codec endpoint
      // lets its origin in without one, from this machine only (see the README, "Personal data in Temporal").
      codecKeylessOrigins.push(...['localhost', '127.0.0.1'].map((host) => `http://${host}:${devPorts.temporalUi}`));
      stack.add(config.TEMPORAL_SERVER === 'server' ? 'Temporal server' : 'Temporal dev server', () => temporal.stop());
      temporalAddress = temporal.address;
      if (temporal.uiUrl) urls['Temporal UI'] = temporal.uiUrl;
    }

    let smtpUrl = config.SMTP_URL;
    const caught: Parameters<typeof devMailboxRoutes>[0] = {};
    if (!smtpUrl) {
      log.info('SMTP_URL is not set: starting the local mail catcher');
      const catcher = await startMailCatcher({ port: devPorts.smtp, host: '127.0.0.1' });
      stack.add('mail catcher', () => catcher.stop());
      smtpUrl = catcher.url;
      caught.mail = catcher;
    }

    let twilio = twilioSettings(config);
    if (!twilio) {
      log.info('TWILIO_ACCOUNT_SID is not set: starting the local SMS catcher (a Twilio-compatible API)');
      const sms = await startSmsCatcher({ port: devPorts.sms, host: '127.0.0.1' });
      stack.add('SMS catcher', () => sms.stop());
      twilio = { accountSid: sms.accountSid, authToken: sms.authToken, from: devSmsFrom, apiUrl: sms.url };
      caught.sms = sms;
    }

    const addresses: ServiceAddresses = {
      temporalAddress,
      databaseUrl,
      smtpUrl,
      twilio,
      apiKey: config.INVITEFLOW_API_KEY ?? devApiKey,
      secret: config.INVITEFLOW_SECRET ?? devSecret(),
    };
    if (!config.INVITEFLOW_API_KEY)
      log.warn('INVITEFLOW_API_KEY is not set: using the development key from the README');
    const devConfig = devSettings(config);
    const running = await runInviteflow(stack, devConfig, addresses, log, {
      api: true,
      worker: true,
      // Development only: what the catchers received, newest first, for humans and scripts.
      extraRoutes: [devMailboxRoutes(caught)],
      codecKeylessOrigins,
      sdkMetricsUrl,
      devAcceptForm: true,
    });
    const api = running.api!.url;
    Object.assign(urls, { API: api, 'API docs': `${api}/docs`, 'Metrics (with the API key)': `${api}/metrics` });
    if (caught.mail) urls['Mailbox (email)'] = `${api}/dev/outbox`;
    if (caught.sms) urls['Mailbox (SMS)'] = `${api}/dev/sms`;
    return { ...running, stack, urls };
  } catch (error) {
    await stack.stop();
    throw error;
  }
}
