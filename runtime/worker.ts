import type { MikroORM } from '@mikro-orm/postgresql';
import type { Client } from '@temporalio/client';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { Transporter } from 'nodemailer';
import { createActivities } from '../activities';
import type { TwilioSettings } from '../config/config';
import { inviteflowDataConverter } from './data-converter';
import type { Logger } from 'pino';
import type { PayloadKey } from './payload-codec';
import { terminateUndecryptableRuns } from './undecryptable-runs';
import { requestIdActivityInterceptor } from './temporal-interceptors';
import { temporalLogger } from './temporal-logging';
import { bundleWorkflows } from './workflow-bundle';

export interface WorkerDependencies {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  orm: MikroORM;
  temporal: Client;
  transport: Transporter;
  mailFrom: string;
  secret: string;
  /** The payload codec's keys, the same as every client's of the deployment. */
  payloadKeys: readonly PayloadKey[];
  publicBaseUrl: string;
  twilio: TwilioSettings | null;
  /** WORKER_MAX_CACHED_WORKFLOWS: workflows kept in memory between tasks. */
  maxCachedWorkflows: number;
  /** A prebuilt bundle (a build's, or the tests' built once); otherwise workflows are bundled at start. */
  workflowBundlePath?: string;
  log: Logger;
}

export async function createWorker(deps: WorkerDependencies): Promise<Worker> {
  const workflowBundle: WorkerOptions['workflowBundle'] = deps.workflowBundlePath
    ? { codePath: deps.workflowBundlePath }
    : { code: await bundleWorkflows(temporalLogger(deps.log)) };
  return Worker.create({
    connection: deps.connection,
    namespace: deps.namespace,
    taskQueue: deps.taskQueue,
    workflowBundle,
    dataConverter: inviteflowDataConverter(deps.payloadKeys, terminateUndecryptableRuns(deps.temporal, deps.log)),
    maxCachedWorkflows: deps.maxCachedWorkflows,
    activities: createActivities(deps),
    // The bundle holds the workflow interceptors already (`bundleWorkflowCode({ workflowInterceptorModules })`).
    interceptors: { activity: [requestIdActivityInterceptor] },
  });
}
