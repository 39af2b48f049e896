import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { runCommand, spawnService, type ServiceProcess } from './child-process';
import { freePort, freePortBetween } from './free-port';
import { withClient } from './postgres';
import { addMissingSearchAttributes, type SearchAttributeType } from './search-attributes';
import { ensureTemporalServer, type TemporalServerBinaries } from './temporal-server-binaries';

const STARTUP_DEADLINE_MS = 90_000;
const RETRY_INTERVAL_MS = 250;
/** How long closed runs stay in the history database. */
const RETENTION = '3 days';

export interface TemporalServerOptions {
  /** A PostgreSQL superuser URL: the server gets its own `temporal` and `temporal_visibility` databases on it. */
  postgresUrl: string;
  /** Where its configuration and the UI's are written. */
  dataDir: string;
  /** Frontend gRPC port; 0 or omitted picks a free one. */
  port?: number;
  /** Web UI port; 0 or omitted picks a free one; `null` runs no UI. */
  uiPort?: number | null;
  namespace?: string;
  /** Fixed when the databases are created: a cluster's shard count cannot change afterwards. */
  historyShards?: number;
  /** Registered through the operator API once the namespace is there, as the dev server's `--search-attribute`. */
  searchAttributes?: Record<string, SearchAttributeType>;
  uiCodecEndpoint?: string;
  log?: (line: string) => void;
}

export interface TemporalServer {
  address: string;
  uiUrl: string | null;
  /** The server's process, for tools that measure it (bench/). */
  pid: number | undefined;
  stop(): Promise<void>;
  /** SIGKILL, as a crash: nothing is flushed (the fault suite). */
  kill(): Promise<void>;
}

/**
 * The real Temporal server, one process with its four services, on
 * PostgreSQL: the databases are created or brought up to the release's
 * schema with its SQL tool, the namespace and the search attributes
 * registered through the frontend, and the Web UI run beside it.
 */
export async function startTemporalServer(options: TemporalServerOptions): Promise<TemporalServer> {
  const binaries = await ensureTemporalServer(options.log);
  const port = options.port || (await freeServerPort());
  const uiPort = options.uiPort === null ? null : options.uiPort || (await freePort());
  const namespace = options.namespace ?? 'default';
  const shards = options.historyShards ?? 4;
  const pg = new URL(options.postgresUrl);
  await setUpSchemas(binaries, pg, options.log);

  await mkdir(options.dataDir, { recursive: true });
  const configFile = join(options.dataDir, 'temporal-server.yaml');
  await writeFile(join(options.dataDir, 'dynamic-config.yaml'), dynamicConfig);
  const ports = await servicePorts(options.dataDir);
  await writeFile(configFile, serverConfig(pg, port, ports, shards, join(options.dataDir, 'dynamic-config.yaml')));
  const server = spawnService(binaries.server, ['--config-file', configFile, '--allow-no-auth', 'start'], {
    onLine: options.log,
  });
  const address = `127.0.0.1:${port}`;
  let ui: ServiceProcess | null = null;
  try {
    await whileRunning(server, () => registerNamespace(address, namespace, options.searchAttributes ?? {}));
    if (uiPort !== null) ui = await startUi(binaries, options.dataDir, address, uiPort, namespace, options);
  } catch (error) {
    await Promise.all([server.stop('SIGTERM'), ui?.stop('SIGTERM')]);
    throw new Error(`Temporal server did not start: ${String(error)}\n${server.outputTail()}`);
  }
  return {
    address,
    uiUrl: uiPort === null ? null : `http://127.0.0.1:${uiPort}`,
    pid: server.pid,
    stop: async () => {
      await Promise.all([server.stop('SIGTERM'), ui?.stop('SIGTERM')]);
    },
    kill: async () => {
      await Promise.all([server.stop('SIGKILL'), ui?.stop('SIGTERM')]);
    },
  };
}

async function whileRunning<T>(service: ServiceProcess, step: () => Promise<T>): Promise<T> {
  const exited = service.exited.then((status) => {
    throw new Error(`the process exited (${status.signal ?? `code ${String(status.code)}`})`);
  });
  return Promise.race([step(), exited]);
}

/** Creates each database the first time, then brings it to the release's schema (a no-op when it is there). */
async function setUpSchemas(binaries: TemporalServerBinaries, pg: URL, log?: (line: string) => void): Promise<void> {
  await withClient(pg.toString(), async (admin) => {
    for (const [database, schema] of [
      ['temporal', 'temporal'],
      ['temporal_visibility', 'visibility'],
    ] as const) {
      const exists = await admin.query('select 1 from pg_database where datname = $1', [database]);
      const tool = (...args: string[]) =>
        runCommand(binaries.sqlTool, [...sqlToolConnection(pg), '--db', database, ...args], { timeoutMs: 120_000 });
      if (exists.rowCount === 0) {
        await tool('create-database');
        await tool('setup-schema', '-v', '0.0');
      }
      await tool('update-schema', '-d', join(binaries.schemaDir, schema, 'versioned'));
      log?.(`${database}: schema up to date`);
    }
  });
}

function sqlToolConnection(pg: URL): string[] {
  return [
    '--plugin',
    'postgres12',
    '--endpoint',
    pg.hostname,
    '--port',
    pg.port || '5432',
    '--user',
    decodeURIComponent(pg.username),
    '--password',
    decodeURIComponent(pg.password),
  ];
}

/** The release's defaults, and update and ID limits as inviteflow uses them. */
const dynamicConfig = `# Search attributes registered at start are usable at once.
system.forceSearchAttributesCacheRefreshOnRead:
  - value: true
limit.maxIDLength:
  - value: 255
frontend.enableUpdateWorkflowExecution:
  - value: true
`;

/** The cluster_membership table keeps a service's port as a smallint: the OS's ephemeral ports do not fit. */
export const freeServerPort = () => freePortBetween(20_000, 32_767);

const serviceNames = [
  'frontendHttp',
  'frontendMembership',
  'history',
  'historyMembership',
  'matching',
  'matchingMembership',
  'worker',
  'workerMembership',
] as const;
type ServicePorts = Record<(typeof serviceNames)[number], number>;

/**
 * The internal services' ports, picked once per data directory: a server
 * started again after a crash comes back as the same cluster members,
 * instead of waiting for its dead ones' membership to expire.
 */
async function servicePorts(dataDir: string): Promise<ServicePorts> {
  const file = join(dataDir, 'service-ports.json');
  try {
    return JSON.parse(await readFile(file, 'utf8')) as ServicePorts;
  } catch {
    const picked = await Promise.all(serviceNames.map(() => freeServerPort()));
    const ports = Object.fromEntries(serviceNames.map((name, i) => [name, picked[i]!])) as ServicePorts;
    await writeFile(file, JSON.stringify(ports));
    return ports;
  }
}

function serverConfig(pg: URL, port: number, ports: ServicePorts, shards: number, dynamicConfigFile: string): string {
  const { frontendHttp, frontendMembership, history, historyMembership, matching, matchingMembership } = ports;
  const { worker, workerMembership } = ports;
  const store = (database: string, maxConns: number) => `      sql:
        pluginName: postgres12
        databaseName: ${database}
        connectAddr: "${pg.hostname}:${pg.port || '5432'}"
        connectProtocol: tcp
        user: ${JSON.stringify(decodeURIComponent(pg.username))}
        password: ${JSON.stringify(decodeURIComponent(pg.password))}
        maxConns: ${maxConns}
        maxIdleConns: ${maxConns}
        maxConnLifetime: 1h`;
  const service = (grpc: number, membership: number, http?: number) => `    rpc:
      grpcPort: ${grpc}
      membershipPort: ${membership}
      bindOnLocalHost: true${http ? `\n      httpPort: ${http}` : ''}`;
  return `log:
  stdout: true
  level: warn
persistence:
  defaultStore: postgres-default
  visibilityStore: postgres-visibility
  numHistoryShards: ${shards}
  datastores:
    postgres-default:
${store('temporal', 20)}
    postgres-visibility:
${store('temporal_visibility', 10)}
global:
  membership:
    maxJoinDuration: 30s
    broadcastAddress: 127.0.0.1
services:
  frontend:
${service(port, frontendMembership, frontendHttp)}
  history:
${service(history, historyMembership)}
  matching:
${service(matching, matchingMembership)}
  worker:
${service(worker, workerMembership)}
clusterMetadata:
  enableGlobalNamespace: false
  failoverVersionIncrement: 10
  masterClusterName: active
  currentClusterName: active
  clusterInformation:
    active:
      enabled: true
      initialFailoverVersion: 1
      rpcName: frontend
      rpcAddress: "127.0.0.1:${port}"
dcRedirectionPolicy:
  policy: noop
dynamicConfigClient:
  filepath: ${JSON.stringify(dynamicConfigFile)}
  pollInterval: 10s
`;
}

/**
 * Waits for the frontend, registers the namespace if the cluster lacks it
 * (a new cluster has only its system namespace), then inviteflow's search
 * attributes, retrying while a new namespace is not yet known everywhere.
 */
async function registerNamespace(
  address: string,
  namespace: string,
  searchAttributes: Record<string, SearchAttributeType>,
): Promise<void> {
  const deadline = Date.now() + STARTUP_DEADLINE_MS;
  let lastError: unknown;
  for (let registered = false; Date.now() < deadline; await sleep(RETRY_INTERVAL_MS)) {
    // A lazy connection per try: a failed Connection.connect leaves its channel open.
    const connection = Connection.lazy({ address, connectTimeout: 2_000 });
    try {
      await connection.ensureConnected();
      if (!registered) {
        const known = await connection.workflowService.describeNamespace({ namespace }).then(
          () => true,
          () => false,
        );
        if (!known) {
          await connection.workflowService.registerNamespace({
            namespace,
            workflowExecutionRetentionPeriod: msToTs(RETENTION),
          });
        }
        registered = true;
      }
      await addMissingSearchAttributes(connection, namespace, searchAttributes);
      return;
    } catch (error) {
      lastError = error;
    } finally {
      await connection.close();
    }
  }
  throw new Error(`frontend at ${address} not ready after ${STARTUP_DEADLINE_MS / 1000} s: ${String(lastError)}`);
}

async function startUi(
  binaries: TemporalServerBinaries,
  dataDir: string,
  address: string,
  uiPort: number,
  namespace: string,
  options: TemporalServerOptions,
): Promise<ServiceProcess> {
  const root = join(dataDir, 'ui');
  await mkdir(join(root, 'config'), { recursive: true });
  const origins = ['127.0.0.1', 'localhost'].map((host) => `    - "http://${host}:${uiPort}"`).join('\n');
  await writeFile(
    join(root, 'config', 'inviteflow.yaml'),
    `temporalGrpcAddress: ${address}
host: 127.0.0.1
port: ${uiPort}
enableUi: true
defaultNamespace: ${namespace}
disableNewsFetch: true
notifyOnNewVersion: false
cors:
  cookieInsecure: true
  allowOrigins:
${origins}
${options.uiCodecEndpoint ? `codec:\n  endpoint: ${options.uiCodecEndpoint}\n` : ''}`,
  );
  const ui = spawnService(binaries.uiServer, ['--root', root, '--config', 'config', '--env', 'inviteflow', 'start'], {
    onLine: options.log,
  });
  await whileRunning(ui, async () => {
    for (const deadline = Date.now() + STARTUP_DEADLINE_MS; Date.now() < deadline; await sleep(RETRY_INTERVAL_MS)) {
      const answered = await fetch(`http://127.0.0.1:${uiPort}/api/v1/settings`, { signal: AbortSignal.timeout(2_000) })
        .then((response) => response.ok)
        .catch(() => false);
      if (answered) return;
    }
    throw new Error(`the Web UI did not answer on port ${uiPort}`);
  });
  return ui;
}
