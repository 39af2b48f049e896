import { constants, existsSync, readFileSync } from 'node:fs';
import { access } from 'node:fs/promises';
import { delimiter, dirname, join, resolve } from 'node:path';
import { runCommand } from './child-process';

/** A tool that none of the places tried could give, with what each said. */
export class ToolUnavailableError extends Error {
  constructor(
    readonly tool: string,
    readonly attempts: readonly string[],
  ) {
    super(`Could not find or install ${tool}. Tried:\n${attempts.map((attempt) => `- ${attempt}`).join('\n')}`);
    this.name = 'ToolUnavailableError';
  }
}

export async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The executable an environment variable names, or `null` when it is unset. */
export async function fromEnv(name: string): Promise<string | null> {
  const value = process.env[name];
  if (!value) return null;
  const path = resolve(value);
  if (!(await isExecutable(path))) throw new ToolUnavailableError(path, [`${name}=${value}: not an executable file`]);
  return path;
}

/** The first `name` on PATH that answers `--version`. */
export async function findWorkingOnPath(name: string): Promise<string | null> {
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const candidate = resolve(dir, name);
    if (!(await isExecutable(candidate))) continue;
    try {
      await runCommand(candidate, ['--version'], { timeoutMs: 30_000 });
      return candidate;
    } catch {
      // A broken shim shadowing a working binary further down PATH is common enough to keep looking.
    }
  }
  return null;
}

/** `<repo>/.cache/<name>` (git-ignored), found the same way from `embedded/*.ts` and `dist/embedded/*.js`. */
export function toolCacheDir(name: string): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (
      existsSync(manifest) &&
      (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'inviteflow'
    ) {
      return join(dir, '.cache', name);
    }
    if (dirname(dir) === dir) throw new Error(`No inviteflow package.json above ${__dirname}`);
  }
}

export function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
