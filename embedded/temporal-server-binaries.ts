import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { runCommand } from './child-process';
import { describe, isExecutable, ToolUnavailableError } from './tool-cache';

/** The Temporal server release `TEMPORAL_SERVER=server` runs, built from its Go module. */
export const TEMPORAL_SERVER_VERSION = '1.32.2';
/** The Temporal Web UI server, with its assets built in. */
export const TEMPORAL_UI_SERVER_VERSION = '2.58.1';
/**
 * Both modules need Go 1.26.10 or newer: the go command fetches this
 * toolchain through the module proxy, like a module, for the build only.
 */
const GO_TOOLCHAIN = 'go1.27.3';
/** The UI server's own requirement of the API module is not on every proxy; this newer one is. */
const TEMPORAL_API_VERSION = '1.64.3';
/** A first build compiles some 1,500 packages: about 3.5 minutes on two cores. */
const GO_BUILD_TIMEOUT_MS = 30 * 60_000;

export interface TemporalServerBinaries {
  server: string;
  sqlTool: string;
  uiServer: string;
  /** `schema/postgresql/v12` of the server's module: its `temporal` and `visibility` versioned schemas. */
  schemaDir: string;
}

/**
 * Outside the clone, in the user's cache directory: the build takes minutes,
 * and every clone on the machine runs the same pinned release.
 */
export function temporalServerDir(): string {
  const override = process.env.TEMPORAL_SERVER_DIR;
  if (override) return override;
  const cacheHome = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(cacheHome, 'inviteflow', `temporal-server-${TEMPORAL_SERVER_VERSION}-ui-${TEMPORAL_UI_SERVER_VERSION}`);
}

function layout(dir: string): TemporalServerBinaries {
  return {
    server: join(dir, 'bin', 'temporal-server'),
    sqlTool: join(dir, 'bin', 'temporal-sql-tool'),
    uiServer: join(dir, 'bin', 'temporal-ui-server'),
    schemaDir: join(dir, 'schema', 'postgresql', 'v12'),
  };
}

/** The built binaries, or `null` when they were never built here (`npm run temporal:install -- --server`). */
export async function cachedTemporalServer(): Promise<TemporalServerBinaries | null> {
  const binaries = layout(temporalServerDir());
  const executables = await Promise.all([binaries.server, binaries.sqlTool, binaries.uiServer].map(isExecutable));
  return executables.every(Boolean) && existsSync(join(binaries.schemaDir, 'temporal', 'versioned')) ? binaries : null;
}

/** The binaries, built first if they are not in the cache. */
export async function ensureTemporalServer(log: (line: string) => void = () => {}): Promise<TemporalServerBinaries> {
  const cached = await cachedTemporalServer();
  if (cached) return cached;
  try {
    await buildInto(temporalServerDir(), log);
  } catch (error) {
    throw new ToolUnavailableError(`Temporal server ${TEMPORAL_SERVER_VERSION}`, [
      `go build of go.temporal.io/server v${TEMPORAL_SERVER_VERSION} and the UI server v${TEMPORAL_UI_SERVER_VERSION}: ${describe(error)}`,
    ]);
  }
  return layout(temporalServerDir());
}

interface GoModule {
  name: string;
  requires: Record<string, string>;
  /** Packages whose binaries are built, by the file name they get. */
  binaries: Record<string, string>;
}

const serverModule: GoModule = {
  name: 'inviteflow-temporal-server',
  requires: { 'go.temporal.io/server': `v${TEMPORAL_SERVER_VERSION}` },
  binaries: {
    'temporal-server': 'go.temporal.io/server/cmd/server',
    'temporal-sql-tool': 'go.temporal.io/server/cmd/tools/sql',
  },
};

const uiModule: GoModule = {
  name: 'inviteflow-temporal-ui',
  requires: {
    'github.com/temporalio/ui-server/v2': `v${TEMPORAL_UI_SERVER_VERSION}`,
    'go.temporal.io/api': `v${TEMPORAL_API_VERSION}`,
  },
  binaries: { 'temporal-ui-server': 'github.com/temporalio/ui-server/v2/cmd/server' },
};

const goEnv = (): NodeJS.ProcessEnv => ({ ...process.env, GOTOOLCHAIN: GO_TOOLCHAIN, GOFLAGS: '-mod=mod' });

/** A module of our own requiring the release, so its dependencies resolve as its own go.mod pins them. */
async function buildModule(module: GoModule, dir: string, binDir: string, log: (line: string) => void) {
  await mkdir(dir, { recursive: true });
  const requires = Object.entries(module.requires).map(([path, version]) => `\t${path} ${version}\n`);
  await writeFile(join(dir, 'go.mod'), `module ${module.name}\n\ngo 1.26.10\n\nrequire (\n${requires.join('')})\n`);
  const imports = Object.values(module.binaries).map((pkg) => `\t_ "${pkg}"\n`);
  await writeFile(join(dir, 'tools.go'), `//go:build tools\n\npackage tools\n\nimport (\n${imports.join('')})\n`);
  await runCommand('go', ['mod', 'tidy'], { cwd: dir, env: goEnv(), timeoutMs: GO_BUILD_TIMEOUT_MS });
  for (const [name, pkg] of Object.entries(module.binaries)) {
    log(`building ${name} (${pkg})`);
    await runCommand('go', ['build', '-trimpath', '-ldflags=-s -w', '-o', join(binDir, name), pkg], {
      cwd: dir,
      env: goEnv(),
      timeoutMs: GO_BUILD_TIMEOUT_MS,
    });
  }
}

async function buildInto(target: string, log: (line: string) => void): Promise<void> {
  const parent = join(target, '..');
  await mkdir(parent, { recursive: true });
  // Built beside the target and renamed into place: a build cut short leaves nothing that looks finished.
  const workDir = await mkdtemp(join(parent, '.build-'));
  try {
    const started = Date.now();
    await buildModule(serverModule, join(workDir, 'server-module'), join(workDir, 'bin'), log);
    await buildModule(uiModule, join(workDir, 'ui-module'), join(workDir, 'bin'), log);
    const moduleDir = (
      await runCommand('go', ['list', '-m', '-f', '{{.Dir}}', 'go.temporal.io/server'], {
        cwd: join(workDir, 'server-module'),
        env: goEnv(),
        timeoutMs: 60_000,
      })
    ).trim();
    const schemaDir = join(workDir, 'schema', 'postgresql', 'v12');
    await cp(join(moduleDir, 'schema', 'postgresql', 'v12'), schemaDir, { recursive: true });
    // The module cache's files are read-only; the copy must be removable by whoever clears the cache.
    await runCommand('chmod', ['-R', 'u+w', join(workDir, 'schema')]);
    await rm(join(workDir, 'server-module'), { recursive: true, force: true });
    await rm(join(workDir, 'ui-module'), { recursive: true, force: true });
    log(`built in ${Math.round((Date.now() - started) / 1000)} s`);
    if (existsSync(target)) return; // Another build finished first: its binaries are the same release.
    await rename(workDir, target);
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  // `--cached`: only say whether the binaries are built here (exit 0) or not (exit 3), building nothing.
  const found = process.argv.includes('--cached')
    ? cachedTemporalServer()
    : ensureTemporalServer((line) => console.error(line));
  found.then(
    (binaries) => {
      if (binaries) console.log(`temporal-server: ${binaries.server}`);
      else {
        console.log(`the Temporal server ${TEMPORAL_SERVER_VERSION} is not built in ${temporalServerDir()}`);
        process.exitCode = 3;
      }
    },
    (error: unknown) => {
      console.error(describe(error));
      process.exitCode = 1;
    },
  );
}
