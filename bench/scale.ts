/**
 * The scale benchmark: `npm run bench:scale [-- --invitations N --data DIR --temporal dev|server]`.
 *
 * On the embedded stack, with one `inviteflow api` and one `inviteflow worker`
 * process, it measures list, lookup and accept latency and the worker's
 * memory with few invitations open, then opens N pending invitations (100,000
 * by default) through the API, and measures again: none of those figures may
 * grow more than 2x. The invitations are link-only (an invitee's email but no
 * channel: the host shares the link), the cheapest real kind, spread over workspaces of 1,000 with one large one
 * for the list figures. With `--data DIR` the Temporal and PostgreSQL data
 * live in DIR, and an interrupted run resumes: it counts the pending
 * invitations there and creates only the rest.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Client as PgClient } from 'pg';
import { repoRoot } from '../config/paths';
import { withConcurrency } from './support/concurrency';
import { startEmbeddedStack, temporalKind, type EmbeddedStack, type TemporalKind } from './support/embedded-stack';
import { round } from './support/figures';
import { runAtFixedRate, type LoadFigures } from './support/fixed-rate';
import { HostCalls } from './support/host-calls';
import { peakRssMb, rssMb, startInviteflow, type InviteflowProcesses } from './support/processes';
import { raisedRateLimits } from './support/rate-limits';
import { settle } from './support/settle';
import { processCpuMs, processTreeCpuMs } from './cpu';
import { Teardown } from './support/teardown';

const bigWorkspace = 'scale-big';
const perWorkspace = 1_000;
const maxGrowth = 2;
const inviter = { userId: 'u-scale-admin', roles: ['admin'] };

interface Options {
  invitations: number;
  /** Requests per latency figure, and their rate: a latency, not a throughput. */
  samples: number;
  sampleRate: number;
  concurrency: number;
  dataDir?: string;
  temporal: TemporalKind;
}

/** How many pending invitations each workspace should hold: one large one, the rest by the thousand. */
function plan(invitations: number): Map<string, number> {
  const big = Math.min(20_000, Math.ceil(invitations / 5));
  const targets = new Map([[bigWorkspace, big]]);
  for (let rest = invitations - big, n = 1; rest > 0; rest -= perWorkspace, n += 1) {
    targets.set(`scale-${String(n).padStart(4, '0')}`, Math.min(perWorkspace, rest));
  }
  return targets;
}

async function pendingByWorkspace(databaseUrl: string): Promise<Map<string, number>> {
  const db = new PgClient({ connectionString: databaseUrl });
  await db.connect();
  try {
    const { rows } = await db.query<{ workspace_id: string; pending: string }>(
      `select workspace_id, count(*) as pending from invitations
       where status = 'pending' and workspace_id like 'scale-%' group by workspace_id`,
    );
    return new Map(rows.map((row) => [row.workspace_id, Number(row.pending)]));
  } finally {
    await db.end();
  }
}

/** A resumed run must sign tokens and decrypt payloads with the secret its invitations were made with. */
function secretFor(dataDir: string | undefined): string {
  const file = dataDir && join(dataDir, 'secret');
  if (file && existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(32).toString('base64url');
  if (file) writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

/** Opens link-only invitations until every workspace holds its target, printing progress to stderr. */
async function fillUp(host: HostCalls, databaseUrl: string, targets: Map<string, number>, concurrency: number) {
  const pending = await pendingByWorkspace(databaseUrl);
  const missing = [...targets].flatMap(([workspaceId, target]) =>
    Array.from<string>({ length: Math.max(0, target - (pending.get(workspaceId) ?? 0)) }).fill(workspaceId),
  );
  const open = [...pending.values()].reduce((sum, count) => sum + count, 0);
  console.error(`bench:scale: ${open} pending invitations found, ${missing.length} to create`);
  const startedAt = Date.now();
  const retriedBefore = host.retriedUnavailable;
  let created = 0;
  const progress = setInterval(() => {
    const perSecond = created / ((Date.now() - startedAt) / 1000);
    const eta = created > 0 ? `${round((missing.length - created) / perSecond / 60)} min` : 'unknown';
    console.error(`bench:scale: ${created}/${missing.length} created, ${round(perSecond)}/s, ETA ${eta}`);
  }, 5_000);
  try {
    await withConcurrency(missing, concurrency, async (workspaceId) => {
      const invitation = await host.createInvitation(workspaceId, {
        invitee: { email: `${randomUUID()}@scale.example` },
        channels: [],
        inviter,
      });
      if (invitation.status !== 'pending') throw new Error(`invitation ${invitation.id} is ${invitation.status}`);
      created += 1;
    });
  } finally {
    clearInterval(progress);
  }
  const seconds = (Date.now() - startedAt) / 1000;
  return {
    created,
    seconds: round(seconds),
    perSecond: created > 0 ? round(created / seconds) : null,
    retriedUnavailable: host.retriedUnavailable - retriedBefore,
  };
}

/** What each process spent on one request of a figure (CPU ms): where its latency goes, and whether that grows. */
interface CpuPerRequest {
  api: number;
  worker: number;
  temporal: number;
  postgres: number;
}

type Figure = LoadFigures & { cpuMsPerRequest?: CpuPerRequest };

interface Measured {
  at: string;
  pendingInvitations: number;
  pendingInBigWorkspace: number;
  listFirstPage: Figure;
  listPending: Figure;
  lookup: Figure;
  accept: Figure;
  workerRssMb: number;
  workerPeakRssMb: number;
  apiRssMb: number;
}

/** Accepts before the accept figure, unmeasured: a restarted worker's first ones warm its JIT and connection pools. */
const warmUpAccepts = 10;

/**
 * The figures that must not grow: the worker's memory as creation left it,
 * then list, lookup and accept latency in the large workspace. The workers
 * restart before the latencies: an invitation is accepted days after it was
 * sent, when no worker has its workflow in memory, so every accept, before
 * and after, replays its workflow from history.
 */
async function measure(
  host: HostCalls,
  processes: InviteflowProcesses,
  stack: Pick<EmbeddedStack, 'services' | 'temporalPid' | 'postgresPid'>,
  options: Options,
): Promise<Measured> {
  const databaseUrl = stack.services.database;
  const pending = await pendingByWorkspace(databaseUrl);
  const ids = await host.pendingIds(bigWorkspace, options.samples + warmUpAccepts);
  if (ids.length < options.samples + warmUpAccepts)
    throw new Error(`only ${ids.length} pending invitations in ${bigWorkspace}`);
  const tokens = await withConcurrency(ids, 8, (id) => host.tokenOf(bigWorkspace, id));
  const pids = () => [...processes.apiPids, ...processes.workerPids, stack.temporalPid];
  await settle(pids());
  const memory = {
    workerRssMb: rssMb(processes.workerPids[0]!),
    workerPeakRssMb: peakRssMb(processes.workerPids[0]!),
    apiRssMb: rssMb(processes.apiPids[0]!),
  };
  console.error('bench:scale: restarting the worker');
  await processes.restartWorkers();
  let accepts = 0;
  const accept = () => {
    const token = tokens[accepts++]!;
    return {
      method: 'POST' as const,
      path: '/v1/invitations/accept',
      body: JSON.stringify({ token, userId: `u-accepting-${randomUUID()}` }),
    };
  };
  for (let i = 0; i < warmUpAccepts; i += 1) {
    const { path, body } = accept();
    const answer = await fetch(`${host.apiUrl}${path}`, { method: 'POST', headers: host.headers, body });
    if (!answer.ok) throw new Error(`warm-up accept: ${answer.status} ${await answer.text()}`);
  }
  const load = { url: host.apiUrl, rate: options.sampleRate, total: options.samples, headers: host.headers };
  const cpu = () => ({
    api: processCpuMs(processes.apiPids[0]!),
    worker: processCpuMs(processes.workerPids[0]!),
    temporal: processCpuMs(stack.temporalPid),
    postgres: processTreeCpuMs(stack.postgresPid),
  });
  const figure = async (
    name: string,
    next: () => { method: 'GET' | 'POST'; path: string; body?: string },
  ): Promise<Figure> => {
    await settle(pids());
    console.error(`bench:scale: measuring ${name}`);
    const cpuBefore = cpu();
    const figures = await runAtFixedRate({ ...load, next });
    const cpuAfter = cpu();
    const perRequest = (process: keyof CpuPerRequest) =>
      round((cpuAfter[process] - cpuBefore[process]) / figures.answered);
    const cpuMsPerRequest = {
      api: perRequest('api'),
      worker: perRequest('worker'),
      temporal: perRequest('temporal'),
      postgres: perRequest('postgres'),
    };
    if (figures.non2xx + figures.errors > 0) {
      throw new Error(
        `${name}: ${figures.errors} unanswered, answers by status ${JSON.stringify(figures.statusCodes)}`,
      );
    }
    return { ...figures, cpuMsPerRequest };
  };
  const list = `/v1/workspaces/${bigWorkspace}/invitations`;
  let lookups = 0;
  return {
    at: new Date().toISOString(),
    pendingInvitations: [...pending.values()].reduce((sum, count) => sum + count, 0),
    pendingInBigWorkspace: pending.get(bigWorkspace) ?? 0,
    listFirstPage: await figure('list', () => ({ method: 'GET', path: list })),
    listPending: await figure('list ?status=pending', () => ({ method: 'GET', path: `${list}?status=pending` })),
    lookup: await figure('lookup', () => ({
      method: 'GET',
      path: `/v1/invitations/lookup?token=${encodeURIComponent(tokens[warmUpAccepts + (lookups++ % options.samples)]!)}`,
    })),
    accept: await figure('accept', accept),
    ...memory,
  };
}

/** Each figure before and after, and whether it stayed within `maxGrowth`. */
function growth(before: Measured, after: Measured) {
  const latency = (name: 'listFirstPage' | 'listPending' | 'lookup' | 'accept') =>
    [
      [`${name} p50 ms`, before[name].p50Ms, after[name].p50Ms],
      [`${name} p99 ms`, before[name].p99Ms, after[name].p99Ms],
    ] as const;
  const rows = [
    ...latency('listFirstPage'),
    ...latency('listPending'),
    ...latency('lookup'),
    ...latency('accept'),
    ['worker RSS MB', before.workerRssMb, after.workerRssMb],
    ['worker peak RSS MB', before.workerPeakRssMb, after.workerPeakRssMb],
  ] as const;
  return rows.map(([figure, beforeValue, afterValue]) => {
    const ratio = Math.round((afterValue / beforeValue) * 100) / 100;
    return { figure, before: beforeValue, after: afterValue, ratio, withinTarget: ratio <= maxGrowth };
  });
}

/** Each figure's CPU per request by process, before and after; `null` where a baseline predates the figure. */
function cpuGrowth(before: Measured, after: Measured) {
  return (['listFirstPage', 'listPending', 'lookup', 'accept'] as const).flatMap((name) =>
    (['api', 'worker', 'temporal'] as const).map((process) => ({
      figure: `${name} ${process} CPU ms`,
      before: before[name].cpuMsPerRequest?.[process] ?? null,
      after: after[name].cpuMsPerRequest?.[process] ?? null,
    })),
  );
}

function parseOptions(): Options {
  const { values } = parseArgs({
    options: {
      invitations: { type: 'string', default: '100000' },
      data: { type: 'string' },
      samples: { type: 'string', default: '200' },
      'sample-rate': { type: 'string', default: '10' },
      concurrency: { type: 'string', default: '16' },
      temporal: { type: 'string', default: 'dev' },
    },
  });
  const options = {
    invitations: Number(values.invitations),
    samples: Number(values.samples),
    sampleRate: Number(values['sample-rate']),
    concurrency: Number(values.concurrency),
    dataDir: values.data,
    temporal: temporalKind(values.temporal),
  };
  for (const name of ['invitations', 'samples', 'sampleRate', 'concurrency'] as const) {
    if (!(Number.isInteger(options[name]) && options[name] > 0)) throw new Error(`--${name} must be a positive number`);
  }
  if (options.invitations < 10 * options.samples) {
    throw new Error(`--invitations must be at least 10 x --samples (${10 * options.samples}) to be a scale test`);
  }
  return options;
}

async function main(): Promise<void> {
  const options = parseOptions();
  const teardown = new Teardown('bench:scale');
  try {
    console.error(`bench:scale: ${options.invitations} invitations; starting Temporal, PostgreSQL and SMTP`);
    const stack = await startEmbeddedStack({ dataDir: options.dataDir, temporal: options.temporal });
    teardown.add(() => stack.stop());
    const limits = raisedRateLimits();
    console.error(`bench:scale: data in ${stack.dataDir}; rate limits raised for one IP: ${JSON.stringify(limits)}`);
    const processes = await startInviteflow(stack.services, {
      env: { ...limits, INVITEFLOW_SECRET: secretFor(options.dataDir) },
    });
    teardown.add(() => processes.stop());
    const host = new HostCalls(processes.apiUrls[0]!, processes.apiKey);
    const targets = plan(options.invitations);
    await withConcurrency([...targets.keys()], 4, (workspaceId) => host.putWorkspace(workspaceId));
    const databaseUrl = stack.services.database;

    // The baseline's accepts consume as many invitations as they sample and warm up, and must leave `samples` pending.
    const baselineFile = options.dataDir && join(options.dataDir, 'baseline.json');
    let before: Measured;
    if (baselineFile && existsSync(baselineFile)) {
      before = JSON.parse(readFileSync(baselineFile, 'utf8')) as Measured;
      console.error(`bench:scale: resuming; the baseline is the one measured at ${before.at}`);
    } else {
      await fillUp(
        host,
        databaseUrl,
        new Map([[bigWorkspace, 2 * options.samples + warmUpAccepts]]),
        options.concurrency,
      );
      before = await measure(host, processes, stack, options);
      if (baselineFile) writeFileSync(baselineFile, `${JSON.stringify(before, null, 2)}\n`);
    }

    const creation = await fillUp(host, databaseUrl, targets, options.concurrency);
    const after = await measure(host, processes, stack, options);

    const result = {
      at: new Date().toISOString(),
      temporal: options.temporal,
      invitations: options.invitations,
      workspaces: targets.size,
      invitationsInBigWorkspace: targets.get(bigWorkspace),
      samplesPerFigure: options.samples,
      sampleRatePerSecond: options.sampleRate,
      rateLimitsRaised: limits,
      creation,
      before,
      after,
      growth: growth(before, after),
      cpuPerRequest: cpuGrowth(before, after),
    };
    console.table(result.growth);
    console.table(result.cpuPerRequest);
    console.log(
      `creation: ${creation.created} link-only invitations in ${creation.seconds} s (${creation.perSecond}/s); ` +
        `pending before ${before.pendingInvitations}, after ${after.pendingInvitations}`,
    );
    const file = join(repoRoot, 'bench', 'results', `scale-${result.at.slice(0, 19).replace(/:/g, '')}.json`);
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`written to ${file}`);
    const grown = result.growth.filter((row) => !row.withinTarget);
    if (grown.length > 0) console.log(`grew more than ${maxGrowth}x: ${grown.map((row) => row.figure).join(', ')}`);
  } finally {
    await teardown.run();
  }
}

main().then(
  // The child processes' handles must not keep the bench alive.
  () => process.exit(),
  (error: unknown) => {
    console.error('bench:scale failed:', error);
    process.exit(1);
  },
);
