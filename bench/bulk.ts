/**
 * The bulk-import throughput benchmark:
 * `npm run bench:bulk [-- --rows N] [--apis N --workers N] [--ceiling] [--webhooks] [--worker-heap MB]
 * [--temporal dev|server] [--profile DIR]`.
 *
 * On the embedded stack (a Temporal dev server on a SQLite file, or with
 * `--temporal server` the Temporal server on the PostgreSQL; an embedded
 * PostgreSQL, a real SMTP server), it imports N generated rows as one CSV
 * through the API, with the API and the worker each in their own process as
 * in production, and measures until the SMTP server has received all N
 * emails. Then, on the same data and SMTP server, a naive baseline: a plain
 * loop that inserts each row into PostgreSQL and sends its email with
 * nodemailer, no workflow. Prints both, with the ratio, and writes them to
 * bench/results/. With several API and worker processes (scale-out), each API
 * takes an even share of the rows as its own import, and the run fails if a
 * row is lost or an invitee is emailed twice. With `--webhooks`, one webhook
 * endpoint subscribed to every event receives them, and the clock runs until
 * every invitation's `created` and `sent` webhooks and `bulk.completed` have
 * arrived too.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import nodemailer from 'nodemailer';
import { Client as PgClient } from 'pg';
import { repoRoot } from '../config/paths';
import { ceilingRun } from './ceiling';
import { CpuMeter } from './cpu';
import { baselineMessage } from './message';
import { startEmbeddedStack, temporalKind } from './support/embedded-stack';
import { startWebhookSink, type WebhookSink } from './support/webhook-sink';
import { percentile, round, waitFor } from './support/figures';
import { peakRssMb, startInviteflow, type Services } from './support/processes';

interface Figures {
  rows: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
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

/** One bulk import per API process, the rows split evenly between them, so every API takes its share. */
async function inviteflowRun(
  rows: string[],
  services: Services,
  scale: { apis: number; workers: number },
  options: { profileDir?: string; webhooks?: WebhookSink; workerHeapMb?: number },
) {
  const { webhooks } = options;
  const env = webhooks ? { WEBHOOK_ALLOWED_NETWORKS: '127.0.0.0/8' } : undefined;
  const processes = await startInviteflow(services, { ...scale, ...options, env });
  const headers = { authorization: `Bearer ${processes.apiKey}` };
  const [firstApi] = processes.apiUrls;
  try {
    const put = await fetch(`${firstApi}/v1/workspaces/bench`, {
      method: 'PUT',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Bench' }),
    });
    if (!put.ok) throw new Error(`PUT workspace: ${put.status}`);
    if (webhooks) {
      const endpoint = await fetch(`${firstApi}/v1/webhook-endpoints`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({ url: webhooks.url }),
      });
      if (endpoint.status !== 201)
        throw new Error(`POST webhook endpoint: ${endpoint.status} ${await endpoint.text()}`);
    }
    // Let the workers finish bundling their workflows before the clock starts.
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    const lines = rows.map((email, i) => `${email},Person ${i}`);
    const shares = processes.apiUrls.map((_, i) => lines.filter((_, line) => line % scale.apis === i));
    const startedAt = Date.now();
    const imports = await Promise.all(
      processes.apiUrls.map(async (api, i) => {
        const csv = ['email,name', ...shares[i]!].join('\n');
        const posted = await fetch(
          `${api}/v1/workspaces/bench/invitations/bulk?inviterUserId=u-bench&inviterRoles=admin`,
          {
            method: 'POST',
            headers: { ...headers, 'content-type': 'text/csv' },
            body: csv,
          },
        );
        if (posted.status !== 202) throw new Error(`POST bulk to ${api}: ${posted.status} ${await posted.text()}`);
        return { api, id: ((await posted.json()) as { id: string }).id };
      }),
    );
    return { startedAt, imports, headers, ...processes };
  } catch (error) {
    await processes.stop();
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
      apis: { type: 'string', default: '1' },
      workers: { type: 'string', default: '1' },
      webhooks: { type: 'boolean', default: false },
      'worker-heap': { type: 'string' },
      temporal: { type: 'string', default: 'dev' },
    },
  });
  const temporalRun = temporalKind(values.temporal);
  const count = Number(values.rows);
  const workerHeapMb = values['worker-heap'] === undefined ? undefined : Number(values['worker-heap']);
  const scale = { apis: Number(values.apis), workers: Number(values.workers) };
  console.error(
    `bench:bulk: ${count} rows, ${scale.apis} API and ${scale.workers} worker processes; ` +
      `starting Temporal (${temporalRun}), PostgreSQL and SMTP`,
  );
  const [stack, webhooks] = await Promise.all([
    startEmbeddedStack({ temporal: temporalRun }),
    values.webhooks ? startWebhookSink() : undefined,
  ]);
  const { smtp } = stack;
  const arrivedAt = (rows: string[]) => rows.map((email) => smtp.arrivals.get(email)!);
  const allArrived = (what: string, rows: string[]) =>
    waitFor(what, () => rows.every((email) => smtp.arrivals.has(email)), 30 * 60_000);
  try {
    const rows = generatedRows('flow', count);
    const run = await inviteflowRun(rows, stack.services, scale, {
      profileDir: values.profile,
      webhooks,
      workerHeapMb,
    });
    const cpu = new CpuMeter(
      { worker: run.workerPids, api: run.apiPids, temporal: stack.temporalPid, bench: process.pid },
      { postgres: stack.postgresPid },
    );
    let measured: Measured;
    try {
      await allArrived('every inviteflow email', rows);
      // Each invitation's `created` and `sent`, and each import's `bulk.completed`.
      const expectedWebhooks = 2 * count + scale.apis;
      if (webhooks) {
        await waitFor('every webhook', () => webhooks.arrivals.size >= expectedWebhooks, 60 * 60_000);
      }
      measured = {
        ...scale,
        apiPeakRssMb: Math.max(...run.apiPids.map(peakRssMb)),
        workerPeakRssMb: Math.max(...run.workerPids.map(peakRssMb)),
        cpuMsPerInvitation: cpu.perInvitation(count),
        ...(await rowOutcomes(run)),
        doubleSends: rows.filter((email) => smtp.counts.get(email)! > 1).length,
        ...(webhooks && {
          webhooks: {
            delivered: webhooks.arrivals.size,
            expected: expectedWebhooks,
            repeats: webhooks.received() - webhooks.arrivals.size,
            lastArrivalSeconds: round((Math.max(...webhooks.arrivals.values()) - run.startedAt) / 1000),
          },
        }),
      };
    } finally {
      await run.stop();
    }
    const emailFigures = figures(count, run.startedAt, arrivedAt(rows));
    // With webhooks, an invitation is done once its webhooks arrived too: the clock runs to the last of either.
    const seconds = Math.max(emailFigures.seconds, measured.webhooks?.lastArrivalSeconds ?? 0);
    const inviteflow = { ...emailFigures, seconds, perSecond: round(count / seconds), ...measured };
    if (measured.doubleSends > 0 || measured.lostRows > 0) {
      console.error(`bench:bulk: ${measured.doubleSends} double sends and ${measured.lostRows} rows not sent`);
      process.exitCode = 1;
    }
    console.error(`bench:bulk: inviteflow done in ${inviteflow.seconds} s; now the naive loop`);

    const naiveRows = generatedRows('naive', count);
    const naiveCpu = new CpuMeter({ bench: process.pid }, { postgres: stack.postgresPid });
    const naiveStartedAt = await naiveRun(naiveRows, stack.services.database, smtp.url);
    const naive = {
      ...figures(count, naiveStartedAt, arrivedAt(naiveRows)),
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      cpuMsPerInvitation: naiveCpu.perInvitation(count),
    };

    let ceiling: (Figures & { cpuMsPerInvitation: Record<string, number> }) | undefined;
    if (values.ceiling) {
      console.error('bench:bulk: now the one-activity workflow (Temporal alone)');
      const ceilingRows = generatedRows('ceiling', count);
      const ceilingCpu = new CpuMeter(
        { temporal: stack.temporalPid, bench: process.pid },
        { postgres: stack.postgresPid },
      );
      const started = await ceilingRun(ceilingRows, stack.services.temporal, smtp.url);
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
      temporal: temporalRun,
      rows: count,
      workerHeapMb: workerHeapMb ?? null,
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
    await Promise.allSettled([stack.stop(), webhooks?.stop()]);
  }
  // Exits with `process.exitCode`: the child processes' handles must not keep the bench alive.
  process.exit();
}

interface Measured {
  apis: number;
  workers: number;
  apiPeakRssMb: number;
  workerPeakRssMb: number;
  cpuMsPerInvitation: Record<string, number>;
  /** Rows each import reports sent, and those it does not: a row neither sent nor refused is lost. */
  sentRows: number;
  lostRows: number;
  /** Invitees who received more than one email. */
  doubleSends: number;
  /** With `--webhooks`: distinct messages received against those expected, and repeats. */
  webhooks?: { delivered: number; expected: number; repeats: number; lastArrivalSeconds: number };
}

/** What the bulk imports themselves say about their rows once every email has arrived. */
async function rowOutcomes(
  run: Awaited<ReturnType<typeof inviteflowRun>>,
): Promise<Pick<Measured, 'sentRows' | 'lostRows'>> {
  let sentRows = 0;
  let lostRows = 0;
  for (const { api, id } of run.imports) {
    const answer = await fetch(`${api}/v1/workspaces/bench/invitations/bulk/${id}`, { headers: run.headers });
    const progress = (await answer.json()) as { total: number; sent: number };
    sentRows += progress.sent;
    lostRows += progress.total - progress.sent;
  }
  return { sentRows, lostRows };
}

function generatedRows(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}${i}@bench.example`);
}

interface Result {
  inviteflow: Figures & Measured;
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
    'of which PostgreSQL': cpu.postgres ?? null,
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
  console.log(
    `${inviteflow.apis} API and ${inviteflow.workers} worker processes: ${inviteflow.sentRows} rows sent, ` +
      `${inviteflow.lostRows} lost, ${inviteflow.doubleSends} invitees emailed twice`,
  );
  if (inviteflow.webhooks) {
    const { delivered, expected, repeats, lastArrivalSeconds } = inviteflow.webhooks;
    console.log(
      `webhooks: ${delivered} of ${expected} delivered (${repeats} repeats), the last at ${lastArrivalSeconds} s`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
