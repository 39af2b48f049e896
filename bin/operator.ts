import { parseArgs, type ParseArgsConfig } from 'node:util';
import Table from 'cli-table3';
import { InviteflowClient, isInviteflowError } from 'inviteflow/client';
import type { z } from 'zod';
import { apiSettings, plain, type ImportIo } from './import';

/** What the operator commands write to and read settings from; `fetch` is the network edge tests may replace. */
export type OperatorIo = ImportIo;

/** Bad usage: exit code 2, the message, then the command's usage. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The API could not be reached at all: an API problem (exit 1), not bad usage. */
class UnreachableError extends Error {
  override readonly name = 'UnreachableError';
}

/** The options every operator command takes: where the API is, and how to print its answer. */
export const connectionOptions = {
  api: { type: 'string' },
  key: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} satisfies ParseArgsConfig['options'];

export const connectionUsage = `  --api URL              the API (default: $INVITEFLOW_API_URL or http://localhost:$PORT, PORT 3000)
  --key KEY              the API key (default: $INVITEFLOW_API_KEY or the dev key of \`inviteflow start\`)
  --json                 print the API's JSON answer instead of tables
  -h, --help             this help`;

type CommandLineConfig<Options> = { args: string[]; options: Options; allowPositionals: true; strict: true };

/** Spelled out because node:util does not export the result type, and the build emits declarations. */
export function parseCommandLine<Options extends NonNullable<ParseArgsConfig['options']>>(
  argv: string[],
  options: Options,
): ReturnType<typeof parseArgs<CommandLineConfig<Options>>> {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** The option values a zod schema accepts, or a usage error naming the option that it refused. */
export function checkedOptions<Schema extends z.ZodType>(schema: Schema, values: unknown): z.output<Schema> {
  const parsed = schema.safeParse(values);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new UsageError(`--${issue?.path.join('.') ?? '?'}: ${issue?.message ?? 'invalid'}`);
}

/** Exactly the positional arguments named, in order. */
export function positionalsOf(positionals: string[], names: string[]): string[] {
  if (positionals.length < names.length) throw new UsageError(`missing ${names.slice(positionals.length).join(' ')}`);
  if (positionals.length > names.length) {
    throw new UsageError(`unexpected argument ${positionals.slice(names.length).join(' ')}`);
  }
  return positionals;
}

/** The API client `inviteflow import` would use: the same flags and environment. */
export function operatorClient(values: { api?: string; key?: string }, io: OperatorIo): InviteflowClient {
  const { api, key } = apiSettings(values, io.env);
  const send = io.fetch ?? fetch;
  return new InviteflowClient({
    baseUrl: api,
    apiKey: key,
    fetch: async (input, init) => {
      try {
        return await send(input, init);
      } catch (error) {
        // fetch only says "fetch failed"; the reason (ECONNREFUSED, a DNS error) is its cause,
        // an Error of Node's own realm, which `instanceof Error` misses under a test runner's sandbox.
        const cause = (error as Error).cause as { message?: unknown } | undefined;
        const reason = typeof cause?.message === 'string' ? cause.message : (error as Error).message;
        throw new UnreachableError(`cannot reach the API at ${api}: ${reason}`);
      }
    },
  });
}

export type Cell = string | number | null | undefined;

export function table(head: string[], rows: Cell[][]): string {
  const rendered = new Table({ ...plain, head });
  rendered.push(...rows.map((row) => row.map((cell) => (cell === null || cell === undefined ? '-' : cell))));
  return rendered.toString();
}

/** Label and value, one pair a line. */
export function fields(pairs: [string, Cell][]): string {
  const rendered = new Table(plain);
  rendered.push(...pairs.map(([label, value]) => ({ [label]: value === null || value === undefined ? '-' : value })));
  return rendered.toString();
}

/** The API's answer as JSON, or as the tables `render` makes of it. */
export function print<Answer>(io: OperatorIo, json: boolean, answer: Answer, render: (answer: Answer) => string): void {
  io.stdout.write(json ? `${JSON.stringify(answer, null, 2)}\n` : `${render(answer)}\n`);
}

/**
 * Runs one operator command and answers its exit code: 0 done, 1 the API
 * refused or could not be reached (its problem's code and detail on stderr),
 * 2 bad usage (the reason, then `usage`).
 */
export async function runOperatorCommand(
  name: string,
  usage: string,
  io: OperatorIo,
  command: () => Promise<void>,
): Promise<number> {
  const complain = (lines: string[]) => io.stderr.write(`${lines.join('\n')}\n`);
  try {
    await command();
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      complain([`${name}: ${error.message}`, '', usage.trimEnd()]);
      return 2;
    }
    if (isInviteflowError(error)) {
      complain([
        `${name}: ${error.code}: ${error.detail} (HTTP ${error.status})`,
        ...error.errors.map((field) => `  ${field.field}: ${field.message}`),
      ]);
      return 1;
    }
    if (error instanceof UnreachableError) {
      complain([`${name}: ${error.message}`]);
      return 1;
    }
    throw error;
  }
}

/**
 * `inviteflow <group> <command> ...`: `--help` on the group, then the named
 * command with its own usage, or a usage error naming what is missing.
 */
export function runCommandGroup<Command extends string>(
  group: string,
  usage: string,
  commandUsage: Record<Command, string>,
  run: (command: Command, argv: string[], io: OperatorIo) => Promise<void>,
) {
  const isCommand = (name: string | undefined): name is Command =>
    name !== undefined && Object.hasOwn(commandUsage, name);
  return async (argv: string[], io: OperatorIo): Promise<number> => {
    const [command, ...rest] = argv;
    if (command === '--help' || command === '-h') {
      io.stdout.write(usage);
      return 0;
    }
    const name = `inviteflow ${group}${isCommand(command) ? ` ${command}` : ''}`;
    return runOperatorCommand(name, isCommand(command) ? commandUsage[command] : usage, io, async () => {
      if (!isCommand(command)) {
        throw new UsageError(command === undefined ? 'name a command' : `no command "${command}"`);
      }
      await run(command, rest, io);
    });
  };
}
