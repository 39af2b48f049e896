/**
 * The bulk-import throughput benchmark: `npm run bench:bulk [-- --rows N]`.
 *
 * On the embedded stack (a Temporal dev server on a SQLite file, an embedded
 * PostgreSQL, a real SMTP server), it imports N generated rows as one CSV
 * through the API, with the API and the worker each in their own process as
 * in production, and measures until the SMTP server has received all N
 * emails. Then, on the same data and SMTP server, a naive baseline: a plain
 * loop that inserts each row into PostgreSQL and sends its email with
 * nodemailer, no workflow. Prints both, with the ratio, and writes them to
 * bench/results/.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import nodemailer from 'nodemailer';
import { Client as PgClient } from 'pg';
import { SMTPServer } from 'smtp-server';
import { repoRoot } from '../config/paths';
import { freePort } from '../embedded/free-port';
import { startEmbeddedPostgres } from '../embedded/postgres';
import { startTemporalDevServer } from '../embedded/temporal-dev-server';
import { searchAttributesForCli } from '../runtime/search-attributes';
import { ceilingRun } from './ceiling';
import { CpuMeter } from './cpu';
import { baselineMessage } from './message';

interface Figures {
  rows: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
}

/** A real SMTP server that only notes when each recipient's message arrived: the bench must not be its own bottleneck. */
async function startArrivals(): Promise<{ url: string; arrivals: Map<string, number>; stop(): Promise<void> }> {
  const arrivals = new Map<string, number>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    disableReverseLookup: true,
    logger: false,
    onData(stream, session, callback) {
      stream.resume();
      stream.on('end', () => {
        for (const { address } of session.envelope.rcptTo) arrivals.set(address, Date.now());
        callback();
      });
    },
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { url: `smtp://127.0.0.1:${port}`, arrivals, stop: () => new Promise((done) => server.close(() => done())) };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

function figures(rows: number, startedAt: number, arrivedAt: number[]): Figures {
  const latencies = arrivedAt.map((at) => at - startedAt).sort((a, b) => a - b);
  const seconds = (Math.max(...arrivedAt) - startedAt) / 1000;
  return {
    rows,
    seconds: round(seconds),
    perSecond: round(rows / seconds),
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
  };
}

const round = (value: number) => Math.round(value * 10) / 10;

async function waitFor(what: string, done: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Peak resident memory of a process, from the kernel (Linux): what the process really used, not a sample. */
function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1]);
  return Math.round(kb / 1024);
}

function startProcess(command: 'api' | 'worker', env: NodeJS.ProcessEnv, profileDir?: string): ChildProcess {
  // Node refuses --cpu-prof in NODE_OPTIONS, so it goes on the command line.
  const profile = profileDir ? ['--cpu-prof', '--cpu-prof-dir', join(profileDir, command)] : [];
  const child = spawn(
    process.execPath,
    [...profile, '--import', 'tsx', join(repoRoot, 'bin', 'inviteflow.ts'), command],
    {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  child.on('exit', (code) => {
    if (code !== 0 && code !== null && !child.killed) {
      console.error(`bench:bulk: inviteflow ${command} exited with ${code}`);
      process.exit(1);
    }
  });
  return child;
}

/** Stops a process with SIGTERM, as an operator would, and waits for it: a CPU profile is only written on a clean exit. */
function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  return exited;
}

async function inviteflowRun(
  rows: string[],
  services: { temporal: string; database: string; smtp: string },
  profileDir?: string,
) {
  const port = await freePort();
  const apiKey = `bench-${randomBytes(12).toString('hex')}`;
  const env = {
    PORT: String(port),
    TEMPORAL_ADDRESS: services.temporal,
    DATABASE_URL: services.database,
    SMTP_URL: services.smtp,
    INVITEFLOW_API_KEY: apiKey,
    INVITEFLOW_SECRET: randomBytes(32).toString('base64url'),
    LOG_LEVEL: 'warn',
  };
  const worker = startProcess('worker', env, profileDir);
  const api = startProcess('api', env, profileDir);
  const stop = () => Promise.all([stopProcess(api), stopProcess(worker)]).then(() => undefined);
  const base = `http://127.0.0.1:${port}`;
  const headers = { authorization: `Bearer ${apiKey}` };
  try {
    await waitFor(
      'the API',
      () =>
        fetch(`${base}/readyz`).then(
          (r) => r.ok,
          () => false,
        ),
      120_000,
    );
    const put = await fetch(`${base}/v1/workspaces/bench`, {
      method: 'PUT',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Bench' }),
    });
    if (!put.ok) throw new Error(`PUT workspace: ${put.status}`);
    // Let the worker finish bundling its workflows before the clock starts.
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    const csv = ['email,name', ...rows.map((email, i) => `${email},Person ${i}`)].join('\n');
    const startedAt = Date.now();
    const posted = await fetch(
      `${base}/v1/workspaces/bench/invitations/bulk?inviterUserId=u-bench&inviterRoles=admin`,
      {
        method: 'POST',
        headers: { ...headers, 'content-type': 'text/csv' },
        body: csv,
      },
    );
    if (posted.status !== 202) throw new Error(`POST bulk: ${posted.status} ${await posted.text()}`);
    return { startedAt, apiPid: api.pid!, workerPid: worker.pid!, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function naiveRun(rows: string[], databaseUrl: string, smtpUrl: string): Promise<number> {
  const db = new PgClient({ connectionString: databaseUrl });
  await db.connect();
  await db.query(
    'create table if not exists naive_invitations (id serial primary key, email text, name text, created_at timestamptz default now())',
  );
  // Pooled, like inviteflow's own transport: a new SMTP connection per message would make the baseline a strawman.
  const transport = nodemailer.createTransport({ url: smtpUrl, pool: true });
  const startedAt = Date.now();
  for (const [i, email] of rows.entries()) {
    await db.query('insert into naive_invitations (email, name) values ($1, $2)', [email, `Person ${i}`]);
    await transport.sendMail(baselineMessage(email, i));
  }
  transport.close();
  await db.end();
  return startedAt;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rows: { type: 'string', default: '10000' },
      profile: { type: 'string' },
      ceiling: { type: 'boolean', default: false },
    },
  });
  const count = Number(values.rows);
  const scratch = mkdtempSync(join(tmpdir(), 'inviteflow-bench-'));
  console.error(`bench:bulk: ${count} rows; starting Temporal, PostgreSQL and SMTP`);
  const [temporal, postgres, smtp] = await Promise.all([
    startTemporalDevServer({
      headless: true,
      dbFilename: join(scratch, 'temporal.sqlite'),
      searchAttributes: searchAttributesForCli(),
    }),
    startEmbeddedPostgres(),
    startArrivals(),
  ]);
  const arrivedAt = (rows: string[]) => rows.map((email) => smtp.arrivals.get(email)!);
  const allArrived = (what: string, rows: string[]) =>
    waitFor(what, () => rows.every((email) => smtp.arrivals.has(email)), 30 * 60_000);
  try {
    const rows = generatedRows('flow', count);
    const run = await inviteflowRun(
      rows,
      { temporal: temporal.address, database: postgres.url, smtp: smtp.url },
      values.profile,
    );
    const cpu = new CpuMeter({ worker: run.workerPid, api: run.apiPid, temporal: temporal.pid!, bench: process.pid });
    let measured: { apiPeakRssMb: number; workerPeakRssMb: number; cpuMsPerInvitation: Record<string, number> };
    try {
      await allArrived('every inviteflow email', rows);
      measured = {
        apiPeakRssMb: peakRssMb(run.apiPid),
        workerPeakRssMb: peakRssMb(run.workerPid),
        cpuMsPerInvitation: cpu.perInvitation(count),
      };
    } finally {
      await run.stop();
    }
    const inviteflow = { ...figures(count, run.startedAt, arrivedAt(rows)), ...measured };
    console.error(`bench:bulk: inviteflow done in ${inviteflow.seconds} s; now the naive loop`);

    const naiveRows = generatedRows('naive', count);
    const naiveCpu = new CpuMeter({ bench: process.pid });
    const naiveStartedAt = await naiveRun(naiveRows, postgres.url, smtp.url);
    const naive = {
      ...figures(count, naiveStartedAt, arrivedAt(naiveRows)),
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      cpuMsPerInvitation: naiveCpu.perInvitation(count),
    };

    let ceiling: (Figures & { cpuMsPerInvitation: Record<string, number> }) | undefined;
    if (values.ceiling) {
      console.error('bench:bulk: now the one-activity workflow (Temporal alone)');
      const ceilingRows = generatedRows('ceiling', count);
      const ceilingCpu = new CpuMeter({ temporal: temporal.pid!, bench: process.pid });
      const started = await ceilingRun(ceilingRows, temporal.address, smtp.url);
      try {
        await allArrived('every one-activity workflow email', ceilingRows);
      } finally {
        await started.stop();
      }
      ceiling = {
        ...figures(count, started.startedAt, arrivedAt(ceilingRows)),
        cpuMsPerInvitation: ceilingCpu.perInvitation(count),
      };
    }

    const result = {
      at: new Date().toISOString(),
      rows: count,
      inviteflow,
      naive,
      ...(ceiling && { ceiling }),
      throughputRatio: Math.round((inviteflow.perSecond / naive.perSecond) * 1000) / 1000,
    };
    printResult(result);
    const file = join(repoRoot, 'bench', 'results', `bulk-${result.at.slice(0, 19).replace(/:/g, '')}.json`);
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`written to ${file}`);
  } finally {
    await Promise.allSettled([temporal.stop(), postgres.stop(), smtp.stop()]);
  }
  process.exit(0);
}

function generatedRows(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}${i}@bench.example`);
}

interface Result {
  inviteflow: Figures & { apiPeakRssMb: number; workerPeakRssMb: number; cpuMsPerInvitation: Record<string, number> };
  naive: Figures & { peakRssMb: number; cpuMsPerInvitation: Record<string, number> };
  ceiling?: Figures & { cpuMsPerInvitation: Record<string, number> };
  throughputRatio: number;
}

function printResult({ inviteflow, naive, ceiling, throughputRatio }: Result): void {
  const row = (figures: Figures, cpu: Record<string, number>, rss: Record<string, number | null>) => ({
    'invitations/s': figures.perSecond,
    'p50 ms': figures.p50Ms,
    'p99 ms': figures.p99Ms,
    seconds: figures.seconds,
    ...rss,
    'CPU ms/invitation (machine)': cpu.machine,
    'of which Temporal server': cpu.temporal ?? null,
    'of which worker': cpu.worker ?? null,
  });
  console.table({
    inviteflow: row(inviteflow, inviteflow.cpuMsPerInvitation, {
      'API peak RSS MB': inviteflow.apiPeakRssMb,
      'worker peak RSS MB': inviteflow.workerPeakRssMb,
    }),
    'naive loop': row(naive, naive.cpuMsPerInvitation, {
      'API peak RSS MB': naive.peakRssMb,
      'worker peak RSS MB': null,
    }),
    ...(ceiling && {
      'one-activity workflow': row(ceiling, ceiling.cpuMsPerInvitation, {
        'API peak RSS MB': null,
        'worker peak RSS MB': null,
      }),
    }),
  });
  console.log(`throughput ratio inviteflow / naive: ${throughputRatio}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
