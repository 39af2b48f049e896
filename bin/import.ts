import { readFile } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { Presets, SingleBar } from 'cli-progress';
import Table from 'cli-table3';
import type { BulkImport } from 'inviteflow/client';
import { devApiKey } from '../runtime/dev-stack';

export interface ImportIo {
  stdout: Writable;
  stderr: Writable & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  fetch?: typeof fetch;
}

const usage = `usage: inviteflow import --workspace W [options] FILE.csv

Invites everyone in a CSV file (header row with an email and/or phone column;
optional name, roles, groups) through the API, shows the progress and lists
the rows that failed.

  --workspace W          the workspace to invite into (required)
  --role R               roles for rows without their own; repeat or comma-separate
                         (default: the workspace's default role)
  --group G              groups for rows without their own; repeat or comma-separate
  --inviter USER_ID      who invites (default: $INVITEFLOW_INVITER)
  --inviter-role ROLE    the inviter's roles; repeat or comma-separate (default: admin)
  --inviter-name NAME    the inviter's name as the invitations show it
  --no-send              create the invitations without sending them
  --locale L             the invitations' language, e.g. fr
  --phone-country CC     reads national phone numbers as this country's, e.g. FR
  --phone-consent        the invitees agreed to be texted at their number
  --api URL              the API (default: $INVITEFLOW_API_URL or http://localhost:$PORT, PORT 3000)
  --key KEY              the API key (default: $INVITEFLOW_API_KEY or the dev key of \`inviteflow start\`)
  --json                 print the final import as JSON instead of the table
  -h, --help             this help

Exit code: 0 every row sent, 1 some rows failed or were skipped, 2 a usage or
API error, 130 cancelled (Ctrl-C while it runs cancels the import).
`;

const optionSpec = {
  workspace: { type: 'string' },
  role: { type: 'string', multiple: true },
  group: { type: 'string', multiple: true },
  inviter: { type: 'string' },
  'inviter-role': { type: 'string', multiple: true },
  'inviter-name': { type: 'string' },
  'no-send': { type: 'boolean' },
  locale: { type: 'string' },
  'phone-country': { type: 'string' },
  'phone-consent': { type: 'boolean' },
  api: { type: 'string' },
  key: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} satisfies ParseArgsConfig['options'];

const pollMs = 500;
const listedFailures = 50;

/** Ends the command with exit code 2: the message, then one indented line per detail. */
class CommandError extends Error {
  override readonly name = 'CommandError';

  constructor(
    message: string,
    readonly details: string[] = [],
  ) {
    super(message);
  }
}

interface ImportOptions {
  file: string;
  workspace: string;
  query: URLSearchParams;
  api: string;
  key: string;
  json: boolean;
}

function commaList(values: string[] | undefined): string | undefined {
  const items = (values ?? []).flatMap((value) => value.split(',')).map((item) => item.trim());
  const kept = items.filter((item) => item !== '');
  return kept.length > 0 ? kept.join(',') : undefined;
}

function usageError(message: string): CommandError {
  return new CommandError(message, ['inviteflow import --help lists the options']);
}

function parseCommandLine(argv: string[]) {
  try {
    return parseArgs({ args: argv, options: optionSpec, allowPositionals: true, strict: true });
  } catch (error) {
    throw usageError((error as Error).message);
  }
}

/** The API and its key: the flags, else the environment, else what `inviteflow start` runs. Shared with the operator commands. */
export function apiSettings(
  values: { api?: string; key?: string },
  env: NodeJS.ProcessEnv,
): { api: string; key: string } {
  return {
    api: (values.api ?? env.INVITEFLOW_API_URL ?? `http://localhost:${env.PORT ?? 3000}`).replace(/\/+$/, ''),
    key: values.key ?? env.INVITEFLOW_API_KEY ?? devApiKey,
  };
}

function readOptions(argv: string[], env: NodeJS.ProcessEnv): ImportOptions | 'help' {
  const { values, positionals } = parseCommandLine(argv);
  if (values.help) return 'help';
  if (!values.workspace) throw usageError('--workspace is required');
  const inviter = values.inviter ?? env.INVITEFLOW_INVITER;
  if (!inviter) throw usageError('--inviter USER_ID is required (or set INVITEFLOW_INVITER): the user who invites');
  const [file, ...extra] = positionals;
  if (file === undefined) throw usageError('name the CSV file to import');
  if (extra.length > 0) throw usageError(`one CSV file at a time, not ${positionals.length}`);

  const query = new URLSearchParams({
    inviterUserId: inviter,
    inviterRoles: commaList(values['inviter-role']) ?? 'admin',
    send: String(!values['no-send']),
    phoneConsent: String(values['phone-consent'] ?? false),
  });
  const optional = {
    inviterName: values['inviter-name'],
    roles: commaList(values.role),
    groups: commaList(values.group),
    locale: values.locale,
    phoneCountry: values['phone-country'],
  };
  for (const [name, value] of Object.entries(optional)) if (value !== undefined) query.set(name, value);
  return {
    file,
    workspace: values.workspace,
    query,
    ...apiSettings(values, env),
    json: values.json ?? false,
  };
}

async function readCsv(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new CommandError(`cannot read ${file}: ${reason}`);
  }
}

/** The API's problem+json as a CommandError; a body that is not one (a proxy's error page) by its status. */
function problemOf(response: Response, text: string): CommandError {
  let problem: { code?: unknown; detail?: unknown; errors?: unknown } | undefined;
  try {
    problem = JSON.parse(text) as typeof problem;
  } catch {
    // Not JSON: the status line says all there is.
  }
  if (typeof problem?.detail !== 'string') {
    return new CommandError(`the API answered ${response.status} ${response.statusText}`);
  }
  const errors = Array.isArray(problem.errors) ? (problem.errors as { field: string; message: string }[]) : [];
  const code = typeof problem.code === 'string' ? ` ${problem.code}` : '';
  return new CommandError(
    `${problem.detail} (${response.status}${code})`,
    errors.map((error) => `${error.field}: ${error.message}`),
  );
}

function bulkApi(options: ImportOptions, fetchApi: typeof fetch) {
  const base = `${options.api}/v1/workspaces/${encodeURIComponent(options.workspace)}/invitations/bulk`;
  const call = async (method: string, url: string, csv?: string): Promise<BulkImport> => {
    let response: Response;
    try {
      response = await fetchApi(url, {
        method,
        headers: {
          authorization: `Bearer ${options.key}`,
          ...(csv === undefined ? {} : { 'content-type': 'text/csv' }),
        },
        body: csv,
      });
    } catch (error) {
      // fetch only says "fetch failed"; the reason (ECONNREFUSED, a DNS error) is its cause.
      const cause = (error as Error).cause;
      const reason = cause instanceof Error ? cause.message : (error as Error).message;
      throw new CommandError(`cannot reach the API at ${options.api}: ${reason}`);
    }
    const text = await response.text();
    if (!response.ok) throw problemOf(response, text);
    return JSON.parse(text) as BulkImport;
  };
  return {
    start: (csv: string) => call('POST', `${base}?${options.query.toString()}`, csv),
    get: (id: string) => call('GET', `${base}/${encodeURIComponent(id)}`),
    cancel: (id: string) => call('POST', `${base}/${encodeURIComponent(id)}/cancel`),
  };
}

type Phase = 'importing' | 'cancelling';

interface Progress {
  update(bulk: BulkImport, phase: Phase): void;
  stop(): void;
}

const done = (bulk: BulkImport) => bulk.sent + bulk.failed;

function progressBar(stream: Writable): Progress {
  const bar = new SingleBar(
    {
      stream,
      format: '{phase} |{bar}| {value}/{total} rows | {rate} rows/s | ETA {eta_formatted}',
      // The bar must survive the first Ctrl-C: that one cancels, and the bar shows the cancelling.
      gracefulExit: false,
      etaBuffer: 20,
    },
    Presets.shades_classic,
  );
  const started = Date.now();
  return {
    update(bulk, phase) {
      const seconds = (Date.now() - started) / 1000;
      const payload = { phase, rate: seconds > 0 ? (done(bulk) / seconds).toFixed(1) : '0.0' };
      if (bar.isActive) bar.update(done(bulk), payload);
      else bar.start(bulk.total, done(bulk), payload);
    },
    stop: () => bar.stop(),
  };
}

/** Without a terminal a bar is a mess of control characters in the log: a line per tenth instead. */
function progressLines(stream: Writable): Progress {
  let shown: string | undefined;
  return {
    update(bulk, phase) {
      const tenth = bulk.total === 0 ? 10 : Math.floor((done(bulk) / bulk.total) * 10);
      if (shown === `${phase} ${tenth}`) return;
      shown = `${phase} ${tenth}`;
      const percent = bulk.total === 0 ? 100 : Math.floor((done(bulk) / bulk.total) * 100);
      stream.write(`${phase} ${bulk.id}: ${done(bulk)}/${bulk.total} rows (${percent}%)\n`);
    },
    stop() {},
  };
}

const silent: Progress = { update() {}, stop() {} };

/**
 * Polls the import until it ends. The first Ctrl-C asks the API to cancel it
 * and keeps polling, so the report shows which rows were skipped; a second
 * one stops waiting (`gaveUp`) and leaves the import to finish cancelling.
 */
async function follow(
  api: ReturnType<typeof bulkApi>,
  accepted: BulkImport,
  progress: Progress,
): Promise<{ bulk: BulkImport; gaveUp: boolean }> {
  let interrupts = 0;
  let wake = () => {};
  const onInterrupt = () => {
    interrupts += 1;
    wake();
  };
  process.on('SIGINT', onInterrupt);
  try {
    let bulk = accepted;
    let cancelling = false;
    while (bulk.status === 'running' && interrupts < 2) {
      if (interrupts > 0 && !cancelling) {
        cancelling = true;
        // Its answer has no rows; the next poll brings them.
        await api.cancel(bulk.id);
      }
      progress.update(bulk, cancelling ? 'cancelling' : 'importing');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pollMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      if (interrupts < 2) bulk = await api.get(bulk.id);
    }
    progress.update(bulk, cancelling ? 'cancelling' : 'importing');
    return { bulk, gaveUp: bulk.status === 'running' };
  } finally {
    process.off('SIGINT', onInterrupt);
    progress.stop();
  }
}

function formatDuration(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

/** No colours: the summary is as readable in a CI log or a file as on a terminal. */
export const plain = { style: { head: [], border: [], compact: true } };

function summary(bulk: BulkImport, file: string): string {
  const ms = new Date(bulk.finishedAt ?? Date.now()).getTime() - new Date(bulk.createdAt).getTime();
  const skipped = bulk.total - done(bulk) - bulk.remaining;
  const totals = new Table(plain);
  totals.push(
    { total: bulk.total },
    { sent: bulk.sent },
    { failed: bulk.failed },
    { skipped },
    { duration: formatDuration(ms) },
    { rate: ms > 0 ? `${(done(bulk) / (ms / 1000)).toFixed(1)} rows/s` : '-' },
  );
  const lines = [`Import ${bulk.id} into ${bulk.workspaceId}: ${bulk.status}`, totals.toString()];
  const failed = bulk.rows.filter((row) => row.outcome === 'failed');
  if (failed.length > 0) {
    const table = new Table({ ...plain, head: ['line', 'email / phone', 'code'] });
    for (const row of failed.slice(0, listedFailures)) {
      table.push([row.line, [row.email, row.phone].filter((contact) => contact !== null).join(' / '), row.code ?? '']);
    }
    lines.push(`Failed rows (fix them in ${file} and import those again):`, table.toString());
    if (failed.length > listedFailures) lines.push(`... and ${failed.length - listedFailures} more`);
  }
  return `${lines.join('\n')}\n`;
}

/** `inviteflow import`: answers the exit code. */
export async function runImport(argv: string[], io: ImportIo): Promise<number> {
  try {
    const options = readOptions(argv, io.env);
    if (options === 'help') {
      io.stdout.write(usage);
      return 0;
    }
    const api = bulkApi(options, io.fetch ?? fetch);
    const accepted = await api.start(await readCsv(options.file));
    const progress = options.json ? silent : io.stderr.isTTY ? progressBar(io.stderr) : progressLines(io.stderr);
    const { bulk, gaveUp } = await follow(api, accepted, progress);
    if (gaveUp) io.stderr.write(`stopped waiting; import ${bulk.id} goes on cancelling\n`);
    io.stdout.write(options.json ? `${JSON.stringify(bulk, null, 2)}\n` : summary(bulk, options.file));
    if (gaveUp || bulk.status === 'cancelled') return 130;
    return bulk.sent === bulk.total ? 0 : 1;
  } catch (error) {
    if (!(error instanceof CommandError)) throw error;
    io.stderr.write([`inviteflow import: ${error.message}`, ...error.details.map((line) => `  ${line}`)].join('\n'));
    io.stderr.write('\n');
    return 2;
  }
}
