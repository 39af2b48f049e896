import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '../../config/paths';
import { ensureSchemathesis } from '../../embedded/schemathesis';
import { openApiDocument } from '../../api/openapi';
import { startTestInviteflow, type TestInviteflow } from '../support/harness';

/** The fuzzer's budget: fuzzing and stateful runs repeat until it is spent. */
const budgetSeconds = Number(process.env.CONTRACT_BUDGET_SECONDS ?? 150);
/** Fixed, so a failure in CI replays the same on a laptop; set CONTRACT_SEED to explore further. */
const seed = process.env.CONTRACT_SEED ?? '20261203';

/** Schemathesis's own default for schema-valid requests, and 422 where the operation declares rules beyond its schema. */
const acceptedStatuses = ['2xx', '3xx', '401', '403', '404', '409', '429', '5xx'];

function schemathesisConfig(apiKey: string): string {
  const beyondSchema = Object.values(openApiDocument().paths).flatMap((methods) =>
    Object.values(methods).flatMap((op) => (op['x-refused-beyond-schema'] ? [op.operationId] : [])),
  );
  // Through the document's security scheme, not a header on every request: the check that leaves it out must reach the server without it.
  const auth = `[auth.openapi.apiKey]\nbearer = ${JSON.stringify(apiKey)}\n\n`;
  return (
    auth +
    beyondSchema
      .map(
        (operationId) =>
          `[[operations]]\ninclude-operation-id = "${operationId}"\n` +
          `checks.positive_data_acceptance.expected-statuses = ${JSON.stringify([...acceptedStatuses, '422'])}\n`,
      )
      .join('\n')
  );
}

let app: TestInviteflow;
let dir: string;

beforeAll(async () => {
  [app, dir] = await Promise.all([startTestInviteflow(), mkdtemp(join(tmpdir(), 'inviteflow-contract-'))]);
});

afterAll(async () => {
  await app?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test(
  'Schemathesis finds nothing the server does that its OpenAPI document does not say, with every check',
  async () => {
    const [command, ...prefix] = await ensureSchemathesis();
    const config = join(dir, 'schemathesis.toml');
    await writeFile(config, schemathesisConfig(app.apiKey));
    const args = [
      ...prefix,
      '--config-file',
      config,
      'run',
      `${app.apiUrl}/openapi.json`,
      '--checks',
      'all',
      '--max-time',
      String(budgetSeconds),
      // One: Hypothesis parses lambdas with `ast` while it generates, and CPython before 3.11.8 can fail that in threads.
      '--workers',
      '1',
      '--seed',
      seed,
      '--no-color',
    ];
    const run = await promisify(execFile)(command, args, {
      // Its cache of earlier failures stays with this run, so every run starts from the seed alone.
      cwd: dir,
      timeout: (budgetSeconds + 90) * 1000,
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, PYTHONPATH: __dirname, SCHEMATHESIS_HOOKS: 'schemathesis_hooks' },
    }).then(
      ({ stdout }) => ({ failed: false, output: stdout }),
      (error: { stdout?: string; stderr?: string; message: string }) => ({
        failed: true,
        output: `${error.stdout ?? ''}${error.stderr ?? ''}` || error.message,
      }),
    );
    // The whole report, each failure with a curl command that reproduces it.
    const report = join(repoRoot, '.cache', 'test', 'contract', 'schemathesis.txt');
    await mkdir(join(report, '..'), { recursive: true });
    await writeFile(report, run.output);
    const failures = /={5,} FAILURES ={5,}([\s\S]*?)={5,} SUMMARY/.exec(run.output)?.[1] ?? run.output.slice(-4000);
    expect({ failed: run.failed, seed, report, failures: run.failed ? failures.trim() : '' }).toEqual({
      failed: false,
      seed,
      report,
      failures: '',
    });
  },
  (budgetSeconds + 180) * 1000,
);
