import { execFile, spawn, type ExecFileException } from 'node:child_process';
import { createInterface } from 'node:readline';

const OUTPUT_TAIL_LINES = 40;
const STOP_GRACE_MS = 10_000;

export class CommandFailedError extends Error {
  readonly command: string;

  constructor(
    executable: string,
    args: readonly string[],
    readonly output: string,
    cause: ExecFileException,
  ) {
    const command = [executable, ...args].join(' ');
    super(`\`${command}\`: ${failureReason(executable, cause)}${output ? `\n${output}` : ''}`, { cause });
    this.name = 'CommandFailedError';
    this.command = command;
  }
}

export interface CommandOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  uid?: number;
  gid?: number;
  timeoutMs?: number;
}

/** Runs a command to completion and returns its stdout; a failure carries the command's own output. */
export async function runCommand(
  command: string,
  args: readonly string[],
  options: CommandOptions = {},
): Promise<string> {
  const { timeoutMs, ...processOptions } = options;
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      { ...processOptions, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) reject(new CommandFailedError(command, args, tail(`${stdout}${stderr}`), error));
        else resolve(stdout);
      },
    );
  });
}

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ServiceProcess {
  readonly pid: number | undefined;
  /** Settles once the process is gone, whatever the reason (never rejects). */
  readonly exited: Promise<ExitStatus>;
  /** Last lines the process wrote, for error messages. */
  outputTail(): string;
  /** Sends `signal`, escalating to SIGKILL if the process is still alive after 10 s. */
  stop(signal: NodeJS.Signals): Promise<void>;
}

export interface ServiceOptions extends Pick<CommandOptions, 'env' | 'uid' | 'gid'> {
  onLine?: (line: string) => void;
}

/**
 * Starts a long-running server process that dies with its parent: it is killed
 * when the parent exits, so an aborted test run or dev session leaves no orphan
 * holding ports or data directories.
 */
export function spawnService(command: string, args: readonly string[], options: ServiceOptions = {}): ServiceProcess {
  const child = spawn(command, args, {
    env: options.env,
    uid: options.uid,
    gid: options.gid,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const record = (line: string): void => {
    lines.push(line);
    if (lines.length > OUTPUT_TAIL_LINES) lines.shift();
    options.onLine?.(line);
  };
  createInterface({ input: child.stdout }).on('line', record);
  createInterface({ input: child.stderr }).on('line', record);

  const killOnParentExit = (): void => {
    child.kill('SIGKILL');
  };
  process.on('exit', killOnParentExit);

  const exited = new Promise<ExitStatus>((resolve) => {
    // 'error' without 'close' happens when the binary cannot be spawned at all.
    child.once('error', (error) => {
      record(error.message);
      resolve({ code: null, signal: null });
    });
    child.once('close', (code, signal) => resolve({ code, signal }));
  }).finally(() => process.off('exit', killOnParentExit));

  return {
    pid: child.pid,
    exited,
    outputTail: () => lines.join('\n'),
    async stop(signal) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      const escalation = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      await exited;
      clearTimeout(escalation);
    },
  };
}

function failureReason(executable: string, error: ExecFileException): string {
  if (error.code === 'ENOENT') return `${executable} not found`;
  if (error.killed) return `killed by ${error.signal ?? 'timeout'}`;
  return `exited with code ${String(error.code)}`;
}

function tail(output: string): string {
  return output.trimEnd().split('\n').slice(-OUTPUT_TAIL_LINES).join('\n');
}
