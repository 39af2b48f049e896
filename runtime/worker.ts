import type { MikroORM } from '@mikro-orm/postgresql';
import type { Client } from '@temporalio/client';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { Transporter } from 'nodemailer';
import { createActivities } from '../activities';
import type { TwilioSettings } from '../config/config';

export interface WorkerDependencies {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  orm: MikroORM;
  temporal: Client;
  transport: Transporter;
  mailFrom: string;
  secret: string;
  publicBaseUrl: string;
  twilio: TwilioSettings | null;
  /** A prebuilt bundle (tests build it once); otherwise workflows are bundled at start. */
  workflowBundlePath?: string;
}

export async function createWorker(deps: WorkerDependencies): Promise<Worker> {
  const workflows: Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'> = deps.workflowBundlePath
    ? { workflowBundle: { codePath: deps.workflowBundlePath } }
    : { workflowsPath: require.resolve('../workflows') };
  return Worker.create({
    connection: deps.connection,
    namespace: deps.namespace,
    taskQueue: deps.taskQueue,
    ...workflows,
    activities: createActivities(deps),
  });
}
