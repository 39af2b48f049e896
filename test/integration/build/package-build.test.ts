import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '../../../config/paths';

const run = promisify(execFile);

interface PackageJson {
  bin: Record<string, string>;
  exports: Record<string, { types?: string; default: string } | string>;
}

let outDir: string;

beforeAll(() => {
  outDir = mkdtempSync(join(tmpdir(), 'inviteflow-build-'));
});

afterAll(() => {
  rmSync(outDir, { recursive: true, force: true });
});

// `npm run build` is what a production install runs; nothing else compiles the package with declarations.
test('npm run build compiles, and emits every file package.json points at', async () => {
  const tsc = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
  const compiled = await run(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', outDir], {
    cwd: repoRoot,
  }).then(
    ({ stdout }) => stdout,
    (error: { stdout: string }) => error.stdout,
  );
  expect(compiled).toBe('');

  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as PackageJson;
  const targets = [
    ...Object.values(pkg.bin),
    ...Object.values(pkg.exports).flatMap((entry) =>
      typeof entry === 'string' ? [] : [entry.default, ...(entry.types ? [entry.types] : [])],
    ),
  ];
  expect(targets.length).toBeGreaterThan(2);
  const missing = targets.filter((target) => !existsSync(join(outDir, target.replace(/^(\.\/)?dist\//, ''))));
  expect(missing).toEqual([]);
}, 180_000);
