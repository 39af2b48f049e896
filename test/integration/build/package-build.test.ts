import { execFile } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '../../../config/paths';

const run = promisify(execFile);

interface PackageJson {
  bin: Record<string, string>;
  exports: Record<string, { types?: string; default: string } | string>;
}

const dist = join(repoRoot, 'dist');
let built: { stdout: string; stderr: string };

// `npm run build` is what a production install runs: the compiler, then the workflow bundle a built worker loads.
// It builds the checkout's own dist/ (git-ignored), since the compiled code resolves the package's exports there.
beforeAll(async () => {
  rmSync(dist, { recursive: true, force: true });
  built = await run('npm', ['run', '--silent', 'build'], { cwd: repoRoot });
}, 180_000);

// Left behind, the build would go stale as the sources change, and `inviteflow` prefers a build.
afterAll(() => rmSync(dist, { recursive: true, force: true }));

test('npm run build compiles, and emits every file package.json points at', () => {
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as PackageJson;
  const targets = [
    ...Object.values(pkg.bin),
    ...Object.values(pkg.exports).flatMap((entry) =>
      typeof entry === 'string' ? [] : [entry.default, ...(entry.types ? [entry.types] : [])],
    ),
  ];
  expect(targets.length).toBeGreaterThan(2);
  const missing = targets.filter((target) => !existsSync(join(repoRoot, target)));
  expect(missing).toEqual([]);
});

test('npm run build writes the workflow bundle beside the compiled workflows', () => {
  const bundle = join(dist, 'workflows', 'bundle.js');
  expect(built.stdout.trim().split('\n').at(-1)).toBe(bundle);
  const code = readFileSync(bundle, 'utf8');
  // Both workflows the worker registers, and the interceptors a bundle must carry itself.
  expect(code).toContain('invitationWorkflow');
  expect(code).toContain('bulkImportWorkflow');
  expect(code).toContain('inviteflow-request-id');
});
