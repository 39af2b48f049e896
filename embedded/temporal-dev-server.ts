import { setTimeout as sleep } from 'node:timers/promises';
import { Connection } from '@temporalio/client';
import { spawnService, type ExitStatus } from './child-process';
import { freePort } from './free-port';
import type { SearchAttributeType } from './search-attributes';
import { ensureTemporalCli } from './temporal-binaries';

const STARTUP_DEADLINE_MS = 60_000;
const RETRY_INTERVAL_MS = 250;

export interface TemporalDevServerOptions {
  /** Frontend gRPC port; 0 or omitted picks a free one. */
  port?: number;
  /** Web UI port; 0 or omitted picks a free one. Ignored when headless. */
  uiPort?: number;
  headless?: boolean;
  /** SQLite file that keeps workflow state across restarts; in-memory when omitted. */
  dbFilename?: string;
  /** Extra namespace to create ("default" always exists); startup waits until it is usable. */
  namespace?: string;
  searchAttributes?: Record<string, SearchAttributeType>;
  uiCodecEndpoint?: string;
  log?: (line: string) => void;
}

export interface TemporalDevServer {
  /** host:port of the frontend, as `Connection.connect({ address })` expects. */
  address: string;
  uiUrl: string | null;
  /** The server's process, for tools that measure it (bench/). */
  pid: number | undefined;
  stop(): Promise<void>;
  /** SIGKILL, as a crash: nothing is flushed (the fault suite). */
  kill(): Promise<void>;
}

export class TemporalDevServerStartError extends Error {
  constructor(reason: string, output: string) {
    super(`Temporal dev server did not start: ${reason}${output ? `\n${output}` : ''}`);
    this.name = 'TemporalDevServerStartError';
  }
}

export async function startTemporalDevServer(options: TemporalDevServerOptions = {}): Promise<TemporalDevServer> {
  const cli = await ensureTemporalCli();
  const port = options.port || (await freePort());
  const uiPort = options.headless ? null : options.uiPort || (await freePort());
  const address = `127.0.0.1:${port}`;
  const server = spawnService(cli, startDevArgs(port, uiPort, options), { onLine: options.log });

  const exitedEarly = new AbortController();
  void server.exited.then(() => exitedEarly.abort());
  try {
    await waitUntilServing(address, options.namespace ?? 'default', exitedEarly.signal);
  } catch (error) {
    const reason = exitedEarly.signal.aborted ? describeExit(await server.exited) : errorMessage(error);
    await server.stop('SIGTERM');
    throw new TemporalDevServerStartError(reason, server.outputTail());
  }
  return {
    address,
    uiUrl: uiPort === null ? null : `http://127.0.0.1:${uiPort}`,
    pid: server.pid,
    stop: () => server.stop('SIGTERM'),
    kill: () => server.stop('SIGKILL'),
  };
}

function startDevArgs(port: number, uiPort: number | null, options: TemporalDevServerOptions): string[] {
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port)];
  args.push(...(uiPort === null ? ['--headless'] : ['--ui-port', String(uiPort)]));
  if (options.dbFilename) {
    // Write-ahead logging without an fsync per commit: a development server's file need not survive a power cut,
    // and every workflow task commits, so this is most of its throughput.
    args.push('--db-filename', options.dbFilename, '--sqlite-pragma', 'journal_mode=wal');
    args.push('--sqlite-pragma', 'synchronous=normal');
  }
  if (options.namespace) args.push('--namespace', options.namespace);
  for (const [name, type] of Object.entries(options.searchAttributes ?? {})) {
    args.push('--search-attribute', `${name}=${type}`);
  }
  if (options.uiCodecEndpoint) args.push('--ui-codec-endpoint', options.uiCodecEndpoint);
  args.push('--log-level', 'warn');
  // The CLI turns a search-attribute cache refresh on for every read, which only a server whose attributes change
  // under it needs; and one process has no use for four task-queue partitions. Together they cut the server's CPU
  // per start by about a tenth (bench:bulk, bench:api).
  for (const value of [
    'system.forceSearchAttributesCacheRefreshOnRead=false',
    'matching.numTaskqueueReadPartitions=1',
    'matching.numTaskqueueWritePartitions=1',
  ]) {
    args.push('--dynamic-config-value', value);
  }
  return args;
}

// An open port only proves the process is listening; describing the namespace proves
// the frontend answers requests for it, which is what callers need next.
async function waitUntilServing(address: string, namespace: string, exited: AbortSignal): Promise<void> {
  const deadline = Date.now() + STARTUP_DEADLINE_MS;
  let lastError: unknown;
  while (!exited.aborted) {
    if (Date.now() > deadline) {
      throw new Error(
        `frontend at ${address} not serving after ${STARTUP_DEADLINE_MS / 1000} s: ${errorMessage(lastError)}`,
      );
    }
    // Not Connection.connect(): when it fails it leaves its gRPC channel open, and a
    // channel per retry keeps the host process (e.g. a jest worker) from exiting.
    const connection = Connection.lazy({ address, connectTimeout: 2_000 });
    try {
      await connection.ensureConnected();
      await connection.workflowService.describeNamespace({ namespace });
      return;
    } catch (error) {
      lastError = error;
    } finally {
      await connection.close();
    }
    await sleep(RETRY_INTERVAL_MS);
  }
  throw new Error('process exited');
}

function describeExit(status: ExitStatus): string {
  return status.signal ? `process killed by ${status.signal}` : `process exited with code ${String(status.code)}`;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
