import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../../embedded/free-port';
import { startMailCatcher, type MailCatcher } from '../../../embedded/mail-catcher';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../../embedded/postgres';
import { startTemporalDevServer } from '../../../embedded/temporal-dev-server';
import { freeServerPort, startTemporalServer } from '../../../embedded/temporal-server';
import { searchAttributesForCli } from '../../../runtime/search-attributes';
import { startInviteflowProcess, type InviteflowProcess } from './processes';

export interface ApiAnswer {
  status: number;
  headers: Headers;
  body: any;
}

/** What the suite needs of either Temporal: where it answers, and a way to stop it gently or kill it. */
interface Temporal {
  address: string;
  stop(): Promise<void>;
  kill(): Promise<void>;
}

/** `npm run test:server`: the Temporal server itself, on a PostgreSQL cluster of its own, instead of the dev server. */
const onServer = process.env.INVITEFLOW_TEST_TEMPORAL === 'server';

/**
 * One deployment as in production: a Temporal dev server on a SQLite file
 * (or the Temporal server on its own PostgreSQL), a PostgreSQL cluster on a
 * data directory of its own, a real SMTP catcher, and `inviteflow api` and
 * `inviteflow worker` as separate processes. Every server can be stopped (or
 * killed) and started again on the same port and data.
 */
export class FaultStack {
  temporal: Temporal;
  postgres: EmbeddedPostgres | null;
  api: InviteflowProcess;
  worker: InviteflowProcess;
  readonly apiUrl: string;
  readonly apiKey: string;

  private constructor(
    private readonly scratch: string,
    private readonly postgresDir: string,
    private readonly ports: { temporal: number; postgres: number },
    private readonly env: Record<string, string>,
    readonly catcher: MailCatcher,
    private readonly temporalPostgres: EmbeddedPostgres | null,
    servers: {
      temporal: Temporal;
      postgres: EmbeddedPostgres;
      api: InviteflowProcess;
      worker: InviteflowProcess;
    },
  ) {
    this.temporal = servers.temporal;
    this.postgres = servers.postgres;
    this.api = servers.api;
    this.worker = servers.worker;
    this.apiUrl = env.PUBLIC_BASE_URL!;
    this.apiKey = env.INVITEFLOW_API_KEY!;
  }

  static async start(): Promise<FaultStack> {
    const scratch = mkdtempSync(join(tmpdir(), 'inviteflow-faults-'));
    // Not inside `scratch`: under root the server runs as `postgres`, which must reach it; the helper creates it.
    const postgresDir = join(tmpdir(), `inviteflow-faults-pg-${randomBytes(6).toString('hex')}`);
    const [temporalPort, postgresPort, apiPort] = await Promise.all([
      onServer ? freeServerPort() : freePort(),
      freePort(),
      freePort(),
    ]);
    const ports = { temporal: temporalPort, postgres: postgresPort };
    const temporalPostgres = onServer ? await startPostgres(await freePort(), `${postgresDir}-temporal`) : null;
    const [temporal, postgres, catcher] = await Promise.all([
      startTemporal(ports.temporal, scratch, temporalPostgres),
      startPostgres(ports.postgres, postgresDir),
      startMailCatcher(),
    ]);
    const env = {
      TEMPORAL_ADDRESS: temporal.address,
      DATABASE_URL: postgres.url,
      SMTP_URL: catcher.url,
      PORT: String(apiPort),
      PUBLIC_BASE_URL: `http://127.0.0.1:${apiPort}`,
      INVITEFLOW_API_KEY: `faults-${randomBytes(12).toString('hex')}`,
      INVITEFLOW_SECRET: randomBytes(32).toString('base64url'),
      // The test's webhook consumer listens on loopback.
      WEBHOOK_ALLOWED_NETWORKS: '127.0.0.0/8,::1',
      TEMPORAL_REQUEST_TIMEOUT_MS: '3000',
      METRICS_PORT: '0',
    };
    const api = startInviteflowProcess('api', env);
    const worker = startInviteflowProcess('worker', env);
    const stack = new FaultStack(scratch, postgresDir, ports, env, catcher, temporalPostgres, {
      temporal,
      postgres,
      api,
      worker,
    });
    try {
      await Promise.all([api.ready, worker.ready]);
    } catch (error) {
      await stack.stop();
      throw error;
    }
    return stack;
  }

  /** `fetch` against the API with the platform key; JSON in, JSON (or problem+json) out. */
  async call(method: string, path: string, body?: unknown): Promise<ApiAnswer> {
    const response = await fetch(`${this.apiUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.apiKey}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
  }

  /** kill -9 the worker, then start a new one at once (not waiting for it to be ready). */
  async killAndRestartWorker(): Promise<void> {
    await this.worker.kill();
    this.worker = startInviteflowProcess('worker', this.env);
  }

  async restartTemporal(): Promise<void> {
    await this.temporal.stop();
    this.temporal = await startTemporal(this.ports.temporal, this.scratch, this.temporalPostgres);
  }

  /** kill -9 the Temporal server, as a crash, then start it again on the same port and data. */
  async crashAndRestartTemporal(): Promise<void> {
    await this.temporal.kill();
    this.temporal = await startTemporal(this.ports.temporal, this.scratch, this.temporalPostgres);
  }

  async stopPostgres(): Promise<void> {
    await this.postgres?.stop();
    this.postgres = null;
  }

  async startPostgres(): Promise<void> {
    this.postgres = await startPostgres(this.ports.postgres, this.postgresDir);
  }

  get databaseUrl(): string {
    return this.env.DATABASE_URL!;
  }

  get temporalAddress(): string {
    return this.env.TEMPORAL_ADDRESS!;
  }

  async stop(): Promise<void> {
    await Promise.allSettled([this.api.stop(), this.worker.stop()]);
    await Promise.allSettled([this.temporal.stop(), this.postgres?.stop(), this.catcher.stop()]);
    await this.temporalPostgres?.stop();
    await Promise.allSettled([
      rm(this.scratch, { recursive: true, force: true }),
      rm(this.postgresDir, { recursive: true, force: true }),
      rm(`${this.postgresDir}-temporal`, { recursive: true, force: true }),
    ]);
  }
}

function startTemporal(port: number, scratch: string, postgres: EmbeddedPostgres | null): Promise<Temporal> {
  if (postgres) {
    return startTemporalServer({
      postgresUrl: postgres.url,
      dataDir: join(scratch, 'temporal-server'),
      port,
      uiPort: null,
      searchAttributes: searchAttributesForCli(),
    });
  }
  return startTemporalDevServer({
    port,
    headless: true,
    dbFilename: join(scratch, 'temporal.sqlite'),
    searchAttributes: searchAttributesForCli(),
  });
}

function startPostgres(port: number, dataDir: string): Promise<EmbeddedPostgres> {
  return startEmbeddedPostgres({ port, dataDir, persistent: true });
}
