import { mkdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureTemporalTestServer } from '../../embedded/temporal-binaries';
import { startEmbeddedPostgres } from '../../embedded/postgres';
import { startTemporalDevServer } from '../../embedded/temporal-dev-server';
import { startTemporalServer } from '../../embedded/temporal-server';
import { searchAttributesForCli } from '../../runtime/search-attributes';
import { writeWorkflowBundle } from '../../runtime/workflow-bundle';
import { publishTestServers, testCacheDir } from './servers';
import { quietLogger } from './quiet-logger';

declare global {
  var inviteflowTestServers: { stop(): Promise<void> } | undefined;
}

/**
 * One Temporal, one PostgreSQL and one workflow bundle for the whole run.
 * Temporal is the CLI's dev server, or with `INVITEFLOW_TEST_TEMPORAL=server`
 * (`npm run test:server`) the Temporal server itself on that PostgreSQL.
 */
export default async function globalSetup(): Promise<void> {
  mkdirSync(testCacheDir, { recursive: true });
  // One bundle per run: runs side by side (several checkouts' CI, or a developer's watch mode) must not swap bundles.
  const workflowBundlePath = join(testCacheDir, `workflow-bundle-${process.pid}.js`);
  const onServer = process.env.INVITEFLOW_TEST_TEMPORAL === 'server';
  const serverData = join(testCacheDir, `temporal-server-${process.pid}`);
  const postgresStarted = startEmbeddedPostgres();
  const [postgres, temporal, , testServerPath] = await Promise.all([
    postgresStarted,
    onServer
      ? postgresStarted.then(({ url }) =>
          startTemporalServer({
            postgresUrl: url,
            dataDir: serverData,
            uiPort: null,
            searchAttributes: searchAttributesForCli(),
          }),
        )
      : startTemporalDevServer({ headless: true, searchAttributes: searchAttributesForCli() }),
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
      await temporal.stop();
      await Promise.allSettled([
        postgres.stop(),
        rm(workflowBundlePath, { force: true }),
        rm(serverData, { recursive: true, force: true }),
      ]);
    },
  };
}
