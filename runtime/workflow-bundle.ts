import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { bundleWorkflowCode, type Logger } from '@temporalio/worker';
import { requestIdWorkflowModule } from './temporal-interceptors';

/** Where `npm run build` leaves the workflow bundle: beside the compiled workflows, so only a build has one. */
const builtBundlePath = join(__dirname, '..', 'workflows', 'bundle.js');

/** The bundler reports webpack's whole output at info; it is wanted only when debugging. */
function bundlerLogger(logger: Logger): Logger {
  return {
    ...logger,
    info: (message, meta) => {
      logger.debug(message, meta);
    },
    log: (level, message, meta) => {
      logger.log(level === 'INFO' ? 'DEBUG' : level, message, meta);
    },
  };
}

/** The workflows with their interceptors, bundled as a worker runs them. */
export async function bundleWorkflows(logger?: Logger): Promise<string> {
  const bundle = await bundleWorkflowCode({
    workflowsPath: require.resolve('../workflows'),
    workflowInterceptorModules: [requestIdWorkflowModule],
    logger: logger && bundlerLogger(logger),
  });
  return bundle.code;
}

/** Writes the bundle to `path` (`inviteflow bundle-workflows`, the tests). */
export async function writeWorkflowBundle(path = builtBundlePath, logger?: Logger): Promise<string> {
  await writeFile(path, await bundleWorkflows(logger));
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
