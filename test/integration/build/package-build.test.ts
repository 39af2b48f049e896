import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
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
  // Inside the checkout, so the compiled code finds its packages in node_modules as an installed package does.
  mkdirSync(join(repoRoot, '.cache'), { recursive: true });
  outDir = mkdtempSync(join(repoRoot, '.cache', 'build-'));
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

// The build's second step: a built worker loads this bundle instead of bundling its workflows at start.
test('the built command writes the workflow bundle beside the compiled workflows', async () => {
  const bin = join(outDir, 'bin', 'inviteflow.js');
  const bundle = join(outDir, 'workflows', 'bundle.js');
  expect(existsSync(bundle)).toBe(false);
  const { stdout } = await run(process.execPath, [bin, 'bundle-workflows'], { cwd: repoRoot });
  expect(stdout.trim()).toBe(bundle);
  const code = readFileSync(bundle, 'utf8');
  // Both workflows the worker registers, and the interceptors a bundle must carry itself.
  expect(code).toContain('invitationWorkflow');
  expect(code).toContain('bulkImportWorkflow');
  expect(code).toContain('inviteflow-request-id');
}, 180_000);
