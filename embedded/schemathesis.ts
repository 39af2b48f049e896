import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { runCommand } from './child-process';
import { describe, findWorkingOnPath, fromEnv, isExecutable, ToolUnavailableError, toolCacheDir } from './tool-cache';

export const SCHEMATHESIS_VERSION = '4.32.5';

const requirements = join(__dirname, 'schemathesis-requirements.txt');
const INSTALL_TIMEOUT_MS = 5 * 60_000;

/** How to run Schemathesis: a command and the arguments that come before the CLI's own. */
export type SchemathesisCommand = readonly [string, ...string[]];

/**
 * How to run Schemathesis: SCHEMATHESIS_PATH, then `schemathesis` on PATH, then a
 * virtual environment in `.cache/schemathesis`, installed from PyPI with
 * every dependency pinned (schemathesis-requirements.txt) when missing. The
 * environment is named by the pins' hash, so a changed pin installs anew.
 * It runs as `python -m schemathesis.cli`: the environment is built under
 * another name and renamed, which breaks its scripts' shebangs, not Python.
 */
export async function ensureSchemathesis(): Promise<SchemathesisCommand> {
  const override = await fromEnv('SCHEMATHESIS_PATH');
  if (override) return [override];
  const attempts: string[] = [];
  // Its longer name: `st` is also the name of a terminal.
  const onPath = await findWorkingOnPath('schemathesis');
  if (onPath) return [onPath];
  attempts.push('`schemathesis` on PATH: not found');

  const pins = createHash('sha256').update(readFileSync(requirements)).digest('hex').slice(0, 12);
  const environment = join(toolCacheDir('schemathesis'), `${SCHEMATHESIS_VERSION}-${pins}`);
  const python = join(environment, 'bin', 'python');
  const command: SchemathesisCommand = [python, '-m', 'schemathesis.cli'];
  if (await isExecutable(python)) return command;
  try {
    await installInto(environment);
    return command;
  } catch (error) {
    attempts.push(`pip install -r ${requirements} into ${environment}: ${describe(error)}`);
  }
  throw new ToolUnavailableError(`Schemathesis ${SCHEMATHESIS_VERSION}`, attempts);
}

// Built beside the target and renamed into place, so parallel installers never run a half-made environment.
async function installInto(environment: string): Promise<void> {
  const partial = `${environment}.${process.pid}.partial`;
  await mkdir(toolCacheDir('schemathesis'), { recursive: true });
  try {
    await runCommand('python3', ['-m', 'venv', partial], { timeoutMs: INSTALL_TIMEOUT_MS });
    const pip = join(partial, 'bin', 'pip');
    await runCommand(pip, ['install', '--quiet', '--disable-pip-version-check', '--no-deps', '-r', requirements], {
      timeoutMs: INSTALL_TIMEOUT_MS,
    });
    await rename(partial, environment).catch(async (error: unknown) => {
      // Another installer finished first: its environment is as good as this one.
      if (!(await isExecutable(join(environment, 'bin', 'python')))) throw error;
    });
  } finally {
    await rm(partial, { recursive: true, force: true });
  }
}

if (require.main === module) {
  ensureSchemathesis().then(
    (command) => console.log(`schemathesis: ${command.join(' ')}`),
    (error: unknown) => {
      console.error(describe(error));
      process.exitCode = 1;
    },
  );
}
