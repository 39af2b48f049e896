import { runCommand } from '../../../embedded/child-process';
import { ensureSchemathesis, SCHEMATHESIS_VERSION } from '../../../embedded/schemathesis';

test('Schemathesis installs at its pinned version into the cache, and runs', async () => {
  const [command, ...args] = await ensureSchemathesis();
  const stdout = await runCommand(command, [...args, '--version'], { timeoutMs: 60_000 });
  expect(stdout).toContain(`version ${SCHEMATHESIS_VERSION}`);
  // A second call finds what the first installed.
  expect(await ensureSchemathesis()).toEqual([command, ...args]);
}, 300_000);
