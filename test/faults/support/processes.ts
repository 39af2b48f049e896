import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { repoRoot } from '../../../config/paths';

const tailLines = 60;
const readyDeadlineMs = 120_000;
const stopGraceMs = 10_000;

export type InviteflowCommand = 'api' | 'worker';

/** One `inviteflow api` or `inviteflow worker` process, in a process group of its own. */
export interface InviteflowProcess {
  readonly command: InviteflowCommand;
  readonly pid: number;
  /** Resolves once the process logs that it is running; rejects if it exits or takes too long. */
  readonly ready: Promise<void>;
  readonly exited: Promise<void>;
  /** Its last log lines, for failure messages. */
  outputTail(): string;
  /** SIGKILL to the whole group: no shutdown, no goodbye to Temporal, in-flight work simply stops. */
  kill(): Promise<void>;
  /** SIGTERM, as an operator stops it, escalating to SIGKILL. */
  stop(): Promise<void>;
}

/**
 * Starts `inviteflow <command>` from source with tsx, as bench/ does, with
 * `env` on top of this process's environment. Logs at info, because the
 * "inviteflow is running" line says when it is ready.
 */
export function startInviteflowProcess(command: InviteflowCommand, env: Record<string, string>): InviteflowProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'bin', 'inviteflow.ts'), command], {
    cwd: repoRoot,
    env: { ...process.env, ...env, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own group, so a kill takes every thread and child with it, as a crashed host would.
    detached: true,
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`inviteflow ${command} could not be spawned`);
  const killGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-pid, signal);
    } catch {
      // Already gone.
    }
  };
  const killOnParentExit = () => killGroup('SIGKILL');
  process.on('exit', killOnParentExit);

  const lines: string[] = [];
  let onRunning = (): void => {};
  const running = new Promise<void>((resolve) => (onRunning = resolve));
  const record = (line: string) => {
    lines.push(line);
    if (lines.length > tailLines) lines.shift();
    if (line.includes('"inviteflow is running"')) onRunning();
  };
  createInterface({ input: child.stdout }).on('line', record);
  createInterface({ input: child.stderr }).on('line', record);

  let gone = false;
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve())).then(() => {
    gone = true;
    process.off('exit', killOnParentExit);
  });
  const outputTail = () => lines.join('\n');

  let timer: NodeJS.Timeout | undefined;
  const ready = Promise.race([
    running,
    exited.then(() => {
      throw new Error(`inviteflow ${command} exited before it was running:\n${outputTail()}`);
    }),
    new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(new Error(`inviteflow ${command} not running after ${readyDeadlineMs / 1000} s:\n${outputTail()}`)),
        readyDeadlineMs,
      );
    }),
  ]).finally(() => clearTimeout(timer));
  // A caller that never waits for readiness (a worker killed while starting) must not see an unhandled rejection.
  ready.catch(() => {});

  return {
    command,
    pid,
    ready,
    exited,
    outputTail,
    async kill() {
      killGroup('SIGKILL');
      await exited;
    },
    async stop() {
      if (gone) return;
      killGroup('SIGTERM');
      const escalation = setTimeout(() => killGroup('SIGKILL'), stopGraceMs);
      await exited;
      clearTimeout(escalation);
    },
  };
}
