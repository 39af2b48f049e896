import { join } from 'node:path';
import { repoRoot } from '../../config/paths';

/** What global setup started, handed to every test file through the environment. */
export interface TestServers {
  temporalAddress: string;
  /** The maintenance database; each test file creates its own database next to it. */
  databaseUrl: string;
  workflowBundlePath: string;
  testServerPath: string;
}

const variable = 'INVITEFLOW_TEST_SERVERS';

export const testCacheDir = join(repoRoot, '.cache', 'test');

export function publishTestServers(servers: TestServers): void {
  process.env[variable] = JSON.stringify(servers);
}

export function testServers(): TestServers {
  const published = process.env[variable];
  if (!published) throw new Error('the test servers are not running: run the tests through jest (global setup)');
  return JSON.parse(published) as TestServers;
}
