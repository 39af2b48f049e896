import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { bundleWorkflowCode, type Logger } from '@temporalio/worker';
import { requestIdWorkflowModule } from './temporal-interceptors';

/** Where `npm run build` leaves the workflow bundle: beside the compiled workflows, so only a build has one. */
const builtBundlePath = join(__dirname, '..', 'workflows', 'bundle.js');

/** Bundles the workflows with their interceptors, as a worker runs them (`inviteflow bundle-workflows`, the tests). */
export async function writeWorkflowBundle(path = builtBundlePath, logger?: Logger): Promise<string> {
  const bundle = await bundleWorkflowCode({
    workflowsPath: require.resolve('../workflows'),
    workflowInterceptorModules: [requestIdWorkflowModule],
    logger,
  });
  await writeFile(path, bundle.code);
  return path;
}

/**
 * The built bundle, when this is a build that has one. A worker given it does
 * not bundle at start: bundling takes seconds, and the ~130 MB of heap it
 * grows stays with the process.
 */
export function builtBundle(): string | undefined {
  return existsSync(builtBundlePath) ? builtBundlePath : undefined;
}
