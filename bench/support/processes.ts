import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../config/paths';
import { freePort } from '../../embedded/free-port';
import { waitFor } from './figures';

export interface Services {
  temporal: string;
  database: string;
  smtp: string;
}

export interface InviteflowProcesses {
  apiUrls: string[];
  apiKey: string;
  apiPids: number[];
  workerPids: number[];
  /**
   * Stops every worker and starts it again, ready: a new worker holds no
   * workflow in its cache, as none does for an invitation accepted days
   * after it was sent.
   */
  restartWorkers(): Promise<void>;
  stop(): Promise<void>;
}

/** Peak resident memory of a process, from the kernel (Linux): what the process really used, not a sample. */
export function peakRssMb(pid: number): number {
  return statusMb(pid, 'VmHWM');
}

/** Resident memory of a process now. */
export function rssMb(pid: number): number {
  return statusMb(pid, 'VmRSS');
}

function statusMb(pid: number, field: string): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1]);
  return Math.round(kb / 1024);
}

/**
 * The package as production runs it: compiled, its workflows bundled at
 * build time. Built once per bench, so the figures are of the checkout's code.
 */
let built = false;
function buildPackage(): void {
  if (built) return;
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'] });
  built = true;
}

function startProcess(command: 'api' | 'worker', env: NodeJS.ProcessEnv, profileDir?: string): ChildProcess {
  // Node refuses --cpu-prof in NODE_OPTIONS, so it goes on the command line.
  const profile = profileDir ? ['--cpu-prof', '--cpu-prof-dir', join(profileDir, command)] : [];
  const child = spawn(
    process.execPath,
    [...profile, '--enable-source-maps', join(repoRoot, 'dist', 'bin', 'inviteflow.js'), command],
    {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  running.add(child);
  child.on('exit', (code) => {
    running.delete(child);
    if (code !== 0 && code !== null && !child.killed) {
      console.error(`bench: inviteflow ${command} exited with ${code}`);
      // The bench cannot go on; its other processes must not outlive it.
      for (const sibling of running) sibling.kill('SIGKILL');
      process.exit(1);
    }
  });
  return child;
}

const running = new Set<ChildProcess>();

/** Stops a process with SIGTERM, as an operator would, and waits for it: a CPU profile is only written on a clean exit. */
function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  return exited;
}

/**
 * `inviteflow api` and `inviteflow worker` processes of one deployment, as in
 * production, ready to serve: each API answers `/readyz`.
 */
export async function startInviteflow(
  services: Services,
  options: {
    apis?: number;
    workers?: number;
    profileDir?: string;
    env?: Record<string, string>;
    /** The workers' V8 old-space limit (`--max-old-space-size`), as a deployment may set it. */
    workerHeapMb?: number;
  } = {},
): Promise<InviteflowProcesses> {
  buildPackage();
  const apiKey = `bench-${randomBytes(12).toString('hex')}`;
  const env = {
    TEMPORAL_ADDRESS: services.temporal,
    DATABASE_URL: services.database,
    SMTP_URL: services.smtp,
    INVITEFLOW_API_KEY: apiKey,
    INVITEFLOW_SECRET: randomBytes(32).toString('base64url'),
    LOG_LEVEL: 'warn',
    ...options.env,
  };
  const profileDir = (name: string) => options.profileDir && join(options.profileDir, name);
  // Each worker serves /metrics once it polls: how the bench knows it is ready.
  const metricsPorts = await Promise.all(Array.from({ length: options.workers ?? 1 }, () => freePort()));
  const workerEnv = {
    ...env,
    ...(options.workerHeapMb && { NODE_OPTIONS: `--max-old-space-size=${options.workerHeapMb}` }),
  };
  const startWorker = (i: number) =>
    startProcess('worker', { ...workerEnv, METRICS_PORT: String(metricsPorts[i]) }, profileDir(`worker-${i}`));
  const workers = metricsPorts.map((_, i) => startWorker(i));
  const ports = await Promise.all(Array.from({ length: options.apis ?? 1 }, () => freePort()));
  const apis = ports.map((port, i) => startProcess('api', { ...env, PORT: String(port) }, profileDir(`api-${i}`)));
  const stop = () => Promise.all([...apis, ...workers].map(stopProcess)).then(() => undefined);
  const apiUrls = ports.map((port) => `http://127.0.0.1:${port}`);
  const answers = (url: string) => () =>
    fetch(url).then(
      (r) => r.ok,
      () => false,
    );
  const workersReady = () =>
    Promise.all(
      metricsPorts.map((port) =>
        waitFor(`the worker on :${port}`, answers(`http://127.0.0.1:${port}/metrics`), 120_000),
      ),
    );
  try {
    for (const url of apiUrls) await waitFor(`the API at ${url}`, answers(`${url}/readyz`), 120_000);
    await workersReady();
  } catch (error) {
    await stop();
    throw error;
  }
  const workerPids = workers.map((p) => p.pid!);
  async function restartWorkers(): Promise<void> {
    await Promise.all(workers.map(stopProcess));
    workers.splice(0, workers.length, ...metricsPorts.map((_, i) => startWorker(i)));
    workerPids.splice(0, workerPids.length, ...workers.map((p) => p.pid!));
    await workersReady();
  }
  return { apiUrls, apiKey, apiPids: apis.map((p) => p.pid!), workerPids, restartWorkers, stop };
}
