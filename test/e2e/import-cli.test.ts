import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runImport } from '../../bin/import';
import { startTestInviteflow, type TestInviteflow } from '../support/harness';
import { capturedStream } from '../support/captured-stream';

let app: TestInviteflow;
let dir: string;

beforeAll(async () => {
  app = await startTestInviteflow();
  expect((await app.call('PUT', '/v1/workspaces/acme', { name: 'Acme', settings: {} })).status).toBe(201);
  dir = mkdtempSync(join(tmpdir(), 'inviteflow-import-'));
});

afterAll(async () => {
  await app?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function csvFile(name: string, lines: string[]): string {
  const file = join(dir, name);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

async function inviteflowImport(args: string[]) {
  const stdout = capturedStream();
  const stderr = capturedStream();
  const code = await runImport(['--api', app.apiUrl, '--key', app.apiKey, '--inviter', 'u-admin', ...args], {
    stdout: stdout.stream,
    stderr: stderr.stream,
    env: {},
  });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

test('a bad email fails its row: exit 1, the table names its line and code, the good rows are emailed', async () => {
  const file = csvFile('people.csv', [
    'email,name',
    'ana@example.org,Ana',
    'ben@example.org,Ben',
    'not-an-email,Bad',
    'cleo@example.org,Cleo',
  ]);

  const run = await inviteflowImport(['--workspace', 'acme', '--role', 'member', file]);

  expect(run.code).toBe(1);
  expect(run.stdout).toMatch(/: completed\n/);
  expect(run.stdout).toMatch(/│ total\s+│ 4\s+│/);
  expect(run.stdout).toMatch(/│ sent\s+│ 3\s+│/);
  expect(run.stdout).toMatch(/│ failed\s+│ 1\s+│/);
  expect(run.stdout).toMatch(/│ 4\s+│ not-an-email\s+│ invalid_email\s+│/);
  // stderr is no terminal here: progress lines, no bar's control characters.
  expect(run.stderr).toMatch(/^importing blk_\S+: \d+\/4 rows/m);
  expect(run.stderr).not.toContain('\u001b[');
  for (const email of ['ana@example.org', 'ben@example.org', 'cleo@example.org']) {
    await app.catcher.waitFor((mail) => mail.to.includes(email));
  }
});

test('every row sent: exit 0', async () => {
  const file = csvFile('good.csv', ['email', 'dora@example.org', 'emil@example.org']);
  const run = await inviteflowImport(['--workspace', 'acme', file]);
  expect(run.code).toBe(0);
  expect(run.stdout).toMatch(/│ sent\s+│ 2\s+│/);
  expect(run.stdout).not.toContain('Failed rows');
});

test('at most 50 failed rows are listed, then how many more', async () => {
  const file = csvFile('bad.csv', ['email', ...Array.from({ length: 52 }, (_, i) => `bad${i}@`)]);
  const run = await inviteflowImport(['--workspace', 'acme', file]);
  expect(run.code).toBe(1);
  expect(run.stdout).toMatch(/│ 51\s+│ bad49@\s+│ invalid_email\s+│/);
  expect(run.stdout).not.toContain('bad50@');
  expect(run.stdout).toMatch(/\.\.\. and 2 more\n$/);
});

test('--json prints the final import as JSON and nothing else', async () => {
  const file = csvFile('json.csv', ['email', 'fay@example.org', 'gus@example.org']);
  const run = await inviteflowImport(['--workspace', 'acme', '--json', '--no-send', file]);
  expect(run.code).toBe(0);
  expect(run.stderr).toBe('');
  const bulk = JSON.parse(run.stdout);
  expect(bulk).toMatchObject({ workspaceId: 'acme', status: 'completed', total: 2, sent: 2, failed: 0 });
  expect(bulk.rows.map((row: { email: string }) => row.email)).toEqual(['fay@example.org', 'gus@example.org']);
});

test('Ctrl-C cancels the import, waits until it is cancelled, and exits 130', async () => {
  const file = csvFile('many.csv', ['email', ...Array.from({ length: 3000 }, (_, i) => `many${i}@example.org`)]);
  // Only the command's own listener hears this Ctrl-C: the Temporal worker of this process shuts down on SIGINT.
  const others = process.listeners('SIGINT');
  const commandsOwn = () => process.listeners('SIGINT').filter((listener) => !others.includes(listener));
  const running = inviteflowImport(['--workspace', 'acme', '--no-send', '--json', file]);
  for (let waited = 0; commandsOwn().length === 0; waited += 20) {
    if (waited > 30_000) throw new Error('the import never started waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  for (const listener of commandsOwn()) listener('SIGINT');

  const run = await running;
  expect(run.stderr).toBe('');
  expect(run.code).toBe(130);
  const bulk = JSON.parse(run.stdout);
  expect(bulk.status).toBe('cancelled');
  expect(bulk.rows.some((row: { outcome: string }) => row.outcome === 'skipped')).toBe(true);
  expect(commandsOwn()).toEqual([]);
});

test('usage and API errors exit 2 with the reason', async () => {
  const missing = join(dir, 'missing.csv');
  const noFile = await inviteflowImport(['--workspace', 'acme', missing]);
  expect(noFile.code).toBe(2);
  expect(noFile.stderr).toContain(`cannot read ${missing}`);

  const file = csvFile('somewhere.csv', ['email', 'hal@example.org']);
  const unknown = await inviteflowImport(['--workspace', 'nowhere', file]);
  expect(unknown.code).toBe(2);
  expect(unknown.stderr).toContain('no workspace "nowhere"');
  expect(unknown.stdout).toBe('');

  const badCountry = await inviteflowImport(['--workspace', 'acme', '--phone-country', 'XX', file]);
  expect(badCountry.code).toBe(2);
  expect(badCountry.stderr).toMatch(/^ {2}query\.phoneCountry: /m);

  const noWorkspace = await inviteflowImport([file]);
  expect(noWorkspace.code).toBe(2);
  expect(noWorkspace.stderr).toContain('--workspace is required');
});
