import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '../../../config/paths';

const run = promisify(execFile);
let checkout: string;

/** A checkout with the real shim, a stand-in source and the repo's node_modules (for tsx). */
beforeAll(() => {
  checkout = mkdtempSync(join(tmpdir(), 'inviteflow-bin-'));
  mkdirSync(join(checkout, 'bin'));
  copyFileSync(join(repoRoot, 'bin', 'inviteflow.cjs'), join(checkout, 'bin', 'inviteflow.cjs'));
  symlinkSync(join(repoRoot, 'node_modules'), join(checkout, 'node_modules'));
  // TypeScript only tsx can run: a type annotation and an interface.
  writeFileSync(
    join(checkout, 'bin', 'inviteflow.ts'),
    "interface Said { what: string }\nconst said: Said = { what: 'source ' + process.argv.slice(2).join(' ') };\nconsole.log(said.what);\n",
  );
});

afterAll(() => rmSync(checkout, { recursive: true, force: true }));

const inviteflow = (...args: string[]) => run('node', [join(checkout, 'bin', 'inviteflow.cjs'), ...args]);

test('without a build, the command runs the TypeScript sources, with its arguments', async () => {
  expect((await inviteflow('start', '--x')).stdout.trim()).toBe('source start --x');
});

test('with a build, the command runs the compiled JavaScript', async () => {
  mkdirSync(join(checkout, 'dist', 'bin'), { recursive: true });
  writeFileSync(join(checkout, 'dist', 'bin', 'inviteflow.js'), "console.log('built', process.argv[2]);\n");
  expect((await inviteflow('worker')).stdout.trim()).toBe('built worker');
});
