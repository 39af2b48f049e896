import { mkdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureTemporalTestServer } from '../../embedded/temporal-binaries';
import { startEmbeddedPostgres } from '../../embedded/postgres';
import { startTemporalDevServer } from '../../embedded/temporal-dev-server';
import { searchAttributesForCli } from '../../runtime/search-attributes';
import { writeWorkflowBundle } from '../../runtime/workflow-bundle';
import { publishTestServers, testCacheDir } from './servers';
import { quietLogger } from './quiet-logger';

declare global {
  var inviteflowTestServers: { stop(): Promise<void> } | undefined;
}

/** One Temporal dev server, one PostgreSQL and one workflow bundle for the whole run. */
export default async function globalSetup(): Promise<void> {
  mkdirSync(testCacheDir, { recursive: true });
  // One bundle per run: runs side by side (several checkouts' CI, or a developer's watch mode) must not swap bundles.
  const workflowBundlePath = join(testCacheDir, `workflow-bundle-${process.pid}.js`);
  const [temporal, postgres, , testServerPath] = await Promise.all([
    startTemporalDevServer({ headless: true, searchAttributes: searchAttributesForCli() }),
    startEmbeddedPostgres(),
    writeWorkflowBundle(workflowBundlePath, quietLogger),
    ensureTemporalTestServer(),
  ]);
  publishTestServers({
    temporalAddress: temporal.address,
    databaseUrl: postgres.url,
    workflowBundlePath,
    testServerPath,
  });
  globalThis.inviteflowTestServers = {
    stop: async () => {
      await Promise.allSettled([temporal.stop(), postgres.stop(), rm(workflowBundlePath, { force: true })]);
    },
  };
}
