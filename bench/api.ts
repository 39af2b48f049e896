/**
 * The API load benchmark: `npm run bench:api [-- --rate N --duration S --sequential N --temporal dev|server --profile DIR]`.
 *
 * On the embedded stack, with one `inviteflow api` and one `inviteflow worker`
 * process, it first times `--sequential` creates (200 by default) one after
 * another on the idle stack, each waiting for the one before: the latency of
 * a create with nothing queued ahead of it. Then it drives three phases at a
 * fixed rate (50 requests/s for 30 s by default), each request a real one a
 * host or an invitee would make: create
 * (each a new invitee, emailed), look up (the tokens of the invitations just
 * created, as their links carry them) and accept (each token once). Between
 * phases, unmeasured, it waits for the worker to send every email, fetches
 * the tokens and lets the processes fall idle. Prints throughput and p50/p99/p99.9 latency per phase against
 * the targets, and writes them to bench/results/api-<time>.json.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot } from '../config/paths';
import { withConcurrency } from './support/concurrency';
import { startEmbeddedStack, temporalKind } from './support/embedded-stack';
import { CpuMeter } from './cpu';
import { percentile, round, waitFor } from './support/figures';
import { runAtFixedRate, type LoadFigures, type PacedRequest } from './support/fixed-rate';
import { HostCalls } from './support/host-calls';
import { peakRssMb, startInviteflow } from './support/processes';
import { raisedRateLimits } from './support/rate-limits';
import { settle } from './support/settle';
import { Teardown } from './support/teardown';

const workspaceId = 'bench';
const inviter = { userId: 'u-bench-admin', roles: ['admin'] };
/** The targets on a 2-core machine at 50 requests/s. */
const p99TargetsMs: Record<Phase, number | null> = { create: 500, lookup: 20, accept: null };
/** A create on the idle stack, at the median. */
const sequentialP50TargetMs = 50;

type Phase = 'create' | 'lookup' | 'accept';

interface PhaseResult extends LoadFigures {
  /** The status every answer should have; any other is counted, never hidden. */
  expectedStatus: number;
  unexpectedAnswers: number;
  p99TargetMs: number | null;
  targetMet: boolean | null;
}

function phaseResult(phase: Phase, expectedStatus: number, figures: LoadFigures): PhaseResult {
  const p99TargetMs = p99TargetsMs[phase];
  const unexpectedAnswers = figures.answered - (figures.statusCodes[expectedStatus] ?? 0);
  const clean = unexpectedAnswers === 0 && figures.errors === 0;
  return {
    ...figures,
    expectedStatus,
    unexpectedAnswers,
    p99TargetMs,
    targetMet: p99TargetMs === null ? null : clean && figures.p99Ms < p99TargetMs,
  };
}

function newInvitee(n: number) {
  return { invitee: { email: `load${n}@bench.example`, name: `Load ${n}` }, inviter };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rate: { type: 'string', default: '50' },
      duration: { type: 'string', default: '30' },
      sequential: { type: 'string', default: '200' },
      profile: { type: 'string' },
      temporal: { type: 'string', default: 'dev' },
    },
  });
  const temporal = temporalKind(values.temporal);
  const rate = Number(values.rate);
  const duration = Number(values.duration);
  const sequentialCount = Number(values.sequential);
  if (!(Number.isInteger(rate) && rate > 0) || !(Number.isInteger(duration) && duration > 0)) {
    throw new Error('--rate and --duration must be positive whole numbers');
  }
  const perPhase = rate * duration;
  const limits = raisedRateLimits();
  const teardown = new Teardown('bench:api');
  try {
    console.error(
      `bench:api: ${rate} requests/s for ${duration} s per phase; starting Temporal (${temporal}), PostgreSQL and SMTP`,
    );
    const stack = await startEmbeddedStack({ temporal });
    teardown.add(() => stack.stop());
    console.error(
      `bench:api: one API and one worker; rate limits raised for a single-IP load test: ${JSON.stringify(limits)}`,
    );
    const processes = await startInviteflow(stack.services, { env: limits, profileDir: values.profile });
    teardown.add(() => processes.stop());
    const [apiUrl] = processes.apiUrls as [string];
    const host = new HostCalls(apiUrl, processes.apiKey);
    await host.putWorkspace(workspaceId);
    let invitees = 0;
    const createOne = () => host.createInvitation(workspaceId, newInvitee(invitees++));
    // Unmeasured: the worker bundles its workflows and every path warms up.
    const warmUp = await withConcurrency(Array.from({ length: 20 }), 4, createOne);
    const load = { url: apiUrl, rate, total: perPhase, headers: host.headers };
    const quiet = () => settle([...processes.apiPids, ...processes.workerPids, stack.temporalPid]);
    await quiet();

    console.error(`bench:api: ${sequentialCount} creates one after another`);
    const sequentialMs: number[] = [];
    for (let n = 0; n < sequentialCount; n += 1) {
      const startedAt = performance.now();
      await createOne();
      sequentialMs.push(performance.now() - startedAt);
    }
    const sequential = sequentialFigures(sequentialMs);
    await waitFor('every sequential email', () => stack.smtp.arrivals.size >= invitees, 5 * 60_000);
    await quiet();

    const meter = () =>
      new CpuMeter(
        { api: processes.apiPids, worker: processes.workerPids, temporal: stack.temporalPid },
        { postgres: stack.postgresPid },
      );
    console.error('bench:api: create');
    const created: string[] = [];
    const createCpu = meter();
    const create = await runAtFixedRate({
      ...load,
      next: (): PacedRequest => ({
        method: 'POST',
        path: `/v1/workspaces/${workspaceId}/invitations`,
        body: JSON.stringify(newInvitee(invitees++)),
      }),
      onAnswer: (status, body) => {
        if (status === 201) created.push((JSON.parse(body) as { id: string }).id);
      },
    });
    const createCpuMs = createCpu.perInvitation(create.answered);
    // The accept phase uses each token once: top the pool up if some creates failed.
    const topUp = await withConcurrency(Array.from({ length: Math.max(0, perPhase - created.length) }), 8, createOne);
    const poolIds = [...created, ...topUp.map((invitation) => invitation.id)];
    const emailed = warmUp.length + sequentialCount + poolIds.length;
    console.error(`bench:api: waiting for the worker to send all ${emailed} emails, then fetching the tokens`);
    await waitFor('every invitation email', () => stack.smtp.arrivals.size >= emailed, 30 * 60_000);
    const tokens = await withConcurrency(poolIds, 8, (id) => host.tokenOf(workspaceId, id));
    await quiet();

    console.error('bench:api: lookup');
    let lookups = 0;
    const lookup = await runAtFixedRate({
      ...load,
      next: () => ({
        method: 'GET',
        path: `/v1/invitations/lookup?token=${encodeURIComponent(tokens[lookups++ % tokens.length]!)}`,
      }),
    });

    await quiet();
    console.error('bench:api: accept');
    let accepts = 0;
    const acceptCpu = meter();
    const accept = await runAtFixedRate({
      ...load,
      next: () => {
        const n = accepts++;
        return {
          method: 'POST',
          path: '/v1/invitations/accept',
          body: JSON.stringify({ token: tokens[n], userId: `u-load-${n}` }),
        };
      },
    });

    const acceptCpuMs = acceptCpu.perInvitation(accept.answered);
    const result = {
      at: new Date().toISOString(),
      temporal,
      rate,
      durationSeconds: duration,
      processes: { apis: 1, workers: 1 },
      rateLimitsRaised: limits,
      sequentialCreate: sequential,
      phases: {
        create: { ...phaseResult('create', 201, create), cpuMsPerRequest: createCpuMs },
        lookup: phaseResult('lookup', 200, lookup),
        accept: { ...phaseResult('accept', 200, accept), cpuMsPerRequest: acceptCpuMs },
      },
      /** 503s retried while warming up and filling the token pool, outside the measured phases. */
      setupRetriedUnavailable: host.retriedUnavailable,
      apiPeakRssMb: peakRssMb(processes.apiPids[0]!),
      workerPeakRssMb: peakRssMb(processes.workerPids[0]!),
    };
    printResult(result.phases);
    console.log(
      `create, ${sequential.requests} one after another on the idle stack: p50 ${sequential.p50Ms} ms ` +
        `(target ${sequentialP50TargetMs} ms: ${sequential.targetMet ? 'yes' : 'NO'}), p99 ${sequential.p99Ms} ms`,
    );
    console.log(`rate limits raised for this single-IP load (configuration): ${JSON.stringify(limits)}`);
    const file = join(repoRoot, 'bench', 'results', `api-${result.at.slice(0, 19).replace(/:/g, '')}.json`);
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`written to ${file}`);
    const failed = Object.entries(result.phases).filter(([, phase]) => phase.unexpectedAnswers + phase.errors > 0);
    if (failed.length > 0) {
      console.error(`bench:api: requests failed in ${failed.map(([name]) => name).join(', ')}: see statusCodes`);
      process.exitCode = 1;
    }
  } finally {
    await teardown.run();
  }
}

function sequentialFigures(latenciesMs: number[]) {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  const p50Ms = round(percentile(sorted, 50));
  return {
    requests: sorted.length,
    p50Ms,
    p99Ms: round(percentile(sorted, 99)),
    maxMs: round(sorted.at(-1) ?? NaN),
    p50TargetMs: sequentialP50TargetMs,
    targetMet: p50Ms <= sequentialP50TargetMs,
  };
}

function printResult(phases: Record<Phase, PhaseResult & { cpuMsPerRequest?: Record<string, number> }>): void {
  const yesNo = (met: boolean | null) => (met === null ? 'no target' : met ? 'yes' : 'NO');
  console.table(
    Object.fromEntries(
      Object.entries(phases).map(([name, phase]) => [
        name,
        {
          'target req/s': phase.targetPerSecond,
          'achieved req/s': phase.achievedPerSecond,
          'p50 ms': phase.p50Ms,
          'p99 ms': phase.p99Ms,
          'p99.9 ms': phase.p999Ms,
          'max ms': phase.maxMs,
          'unexpected status': phase.unexpectedAnswers,
          'no answer': phase.errors,
          'p99 target ms': phase.p99TargetMs,
          'target met': yesNo(phase.targetMet),
        },
      ]),
    ),
  );
  for (const [name, phase] of Object.entries(phases)) {
    if ('cpuMsPerRequest' in phase) console.log(`${name}: CPU ms per request ${JSON.stringify(phase.cpuMsPerRequest)}`);
    if (phase.unexpectedAnswers > 0) console.log(`${name}: answers by status ${JSON.stringify(phase.statusCodes)}`);
  }
}

main().then(
  // The child processes' handles must not keep the bench alive.
  () => process.exit(),
  (error: unknown) => {
    console.error('bench:api failed:', error);
    process.exit(1);
  },
);
