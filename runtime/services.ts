import type { MikroORM } from '@mikro-orm/postgresql';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import { createMailTransport } from '../delivery/smtp';
import { wakeStalledDispatchers } from '../activities/webhook-sweeper';
import { builtBundle } from './workflow-bundle';
import { ensureBootstrapKey } from '../api/auth';
import { purgeExpiredIdempotencyKeys } from '../store/idempotency-keys';
import {
  emailEventSettings,
  joinAttemptLimits,
  publicBaseUrl,
  type Config,
  type TwilioSettings,
} from '../config/config';
import { createOrm, migrate } from '../db/orm';
import { temporalSecurity } from './temporal-connection';
import { startApiServer, type ApiServer } from './api-server';
import { trackBulkProgress } from './metrics';
import { startMetricsServer } from './metrics-server';
import { inviteflowDataConverter } from './data-converter';
import { payloadKeys } from './payload-codec';
import { checkPayloadKeys } from './payload-key-checks';
import { requestIdClientInterceptors } from './temporal-interceptors';
import { createWorker } from './worker';

/** The addresses and secrets a process runs against, embedded or configured. */
export interface ServiceAddresses {
  temporalAddress: string;
  databaseUrl: string;
  smtpUrl: string;
  /** `null`: no SMS. */
  twilio: TwilioSettings | null;
  apiKey: string;
  secret: string;
}

type Stop = () => Promise<void>;

/** How often a worker looks for webhook deliveries that were queued but never started. */
const sweepIntervalMs = 60_000;

/** Answers are kept 24 hours; an hourly purge keeps the table within about that. */
const idempotencyPurgeIntervalMs = 60 * 60_000;

/** Stops what was started, newest first, and keeps going past failures. */
export class Stack {
  private readonly stops: { name: string; stop: Stop }[] = [];

  constructor(private readonly log: Logger) {}

  add(name: string, stop: Stop): void {
    this.stops.push({ name, stop });
  }

  async stop(): Promise<void> {
    for (const { name, stop } of this.stops.splice(0).reverse()) {
      try {
        await stop();
      } catch (error) {
        this.log.warn({ err: error }, `stopping ${name} failed`);
      }
    }
  }
}

export async function openDatabase(stack: Stack, databaseUrl: string, log: Logger): Promise<MikroORM> {
  const orm = await createOrm(databaseUrl);
  stack.add('database connection', () => orm.close());
  const applied = await migrate(orm);
  if (applied.length > 0) log.info({ migrations: applied }, 'database migrated');
  return orm;
}

export interface RunOptions {
  api: boolean;
  worker: boolean;
  /** Dev-only routes such as the outbox, mounted without authentication. */
  extraRoutes?: RequestHandler[];
  workflowBundlePath?: string;
  /** Development only: browser origins whose codec requests from this machine need no API key. */
  codecKeylessOrigins?: string[];
  /** Where the Temporal SDK serves this process's worker metrics, added to `/metrics`. */
  sdkMetricsUrl?: string;
  /** Development only: the hosted page's form that accepts as a typed user id. */
  devAcceptForm?: boolean;
}

export interface Running {
  api: ApiServer | null;
  worker: Worker | null;
  orm: MikroORM;
  client: Client;
}

/** Starts the API and/or the worker against running services. */
export async function runInviteflow(
  stack: Stack,
  config: Config,
  addresses: ServiceAddresses,
  log: Logger,
  options: RunOptions,
): Promise<Running> {
  const keys = payloadKeys(addresses.secret, config.PAYLOAD_KEYS);
  const orm = await openDatabase(stack, addresses.databaseUrl, log);
  await checkPayloadKeys(orm, keys);
  trackBulkProgress(orm);
  // Lazy: the API comes up while Temporal is away, answering 503 and /readyz until it is back.
  const security = temporalSecurity(config);
  const connection = Connection.lazy({ address: addresses.temporalAddress, ...security });
  stack.add('Temporal client', () => connection.close());
  const client = new Client({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    dataConverter: inviteflowDataConverter(keys),
    interceptors: requestIdClientInterceptors,
  });
  const shared = {
    payloadKeys: keys,
    orm,
    temporal: client,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    temporalTimeoutMs: config.TEMPORAL_REQUEST_TIMEOUT_MS,
    secret: addresses.secret,
    publicBaseUrl: publicBaseUrl(config),
    twilio: addresses.twilio,
    webhookAllowedNetworks: config.WEBHOOK_ALLOWED_NETWORKS,
  };

  let worker: Worker | null = null;
  if (options.worker) {
    const workerConnection = await NativeConnection.connect({ address: addresses.temporalAddress, ...security });
    stack.add('worker connection', () => workerConnection.close());
    const transport = createMailTransport(addresses.smtpUrl);
    stack.add('SMTP transport', () => Promise.resolve(transport.close()));
    worker = await createWorker({
      ...shared,
      connection: workerConnection,
      namespace: config.TEMPORAL_NAMESPACE,
      transport,
      mailFrom: config.MAIL_FROM,
      maxCachedWorkflows: config.WORKER_MAX_CACHED_WORKFLOWS,
      workflowBundlePath: options.workflowBundlePath ?? builtBundle(),
      log,
    });
    const running = worker.run();
    stack.add('worker', async () => {
      if (worker?.getState() === 'RUNNING') worker.shutdown();
      await running;
    });
    const sweeper = setInterval(() => {
      wakeStalledDispatchers(orm, client, config.TEMPORAL_TASK_QUEUE).catch((error: unknown) =>
        log.warn({ err: error }, 'could not wake stalled webhook dispatchers'),
      );
    }, sweepIntervalMs);
    stack.add('webhook sweeper', () => Promise.resolve(clearInterval(sweeper)));
    if (!options.api) {
      const metrics = await startMetricsServer(config.METRICS_PORT, options.sdkMetricsUrl);
      stack.add('metrics server', () => metrics.close());
    }
  }

  let api: ApiServer | null = null;
  if (options.api) {
    await ensureBootstrapKey(orm, addresses.apiKey);
    api = await startApiServer(
      {
        ...shared,
        log,
        joinAttempts: joinAttemptLimits(config),
        emailEvents: emailEventSettings(config),
        sdkMetricsUrl: options.sdkMetricsUrl,
        devAcceptForm: options.devAcceptForm,
        codec: {
          keys,
          corsOrigins: config.CODEC_CORS_ORIGINS,
          keylessLoopbackOrigins: options.codecKeylessOrigins,
        },
      },
      { port: config.PORT, host: config.HOST },
      options.extraRoutes,
    );
    stack.add('API server', () => api!.close());
    const purge = () => {
      purgeExpiredIdempotencyKeys(orm).catch((error: unknown) =>
        log.warn({ err: error }, 'could not purge expired Idempotency-Key answers'),
      );
    };
    purge();
    const purger = setInterval(purge, idempotencyPurgeIntervalMs);
    stack.add('Idempotency-Key purge', () => Promise.resolve(clearInterval(purger)));
  }
  return { api, worker, orm, client };
}
