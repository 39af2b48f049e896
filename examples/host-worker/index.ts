import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import {
  createInviteflowPlugin,
  startInvitation,
  type InvitationView,
  type InviteflowPluginOptions,
} from 'inviteflow/plugin';
import * as activities from './activities';

export interface HostWorkerSettings {
  temporalAddress: string;
  namespace?: string;
  taskQueue?: string;
  inviteflow: InviteflowPluginOptions;
}

export interface HostWorker {
  client: Client;
  taskQueue: string;
  /** Starts the invitation the example's script sends: Ana joins Acme as a member. */
  inviteAna(email: string): Promise<InvitationView>;
  stop(): Promise<void>;
}

/** The host's own worker on its own task queue, with inviteflow plugged in, and a client that speaks to it. */
export async function runHostWorker(settings: HostWorkerSettings): Promise<HostWorker> {
  const { temporalAddress, namespace = 'default', taskQueue = 'host-tasks' } = settings;
  const inviteflow = await createInviteflowPlugin(settings.inviteflow);
  const workerConnection = await NativeConnection.connect({ address: temporalAddress });
  const worker = await Worker.create({
    connection: workerConnection,
    namespace,
    taskQueue,
    workflowsPath: require.resolve('./workflows'),
    activities,
    plugins: [inviteflow],
  }).catch(async (error: unknown) => {
    await Promise.all([inviteflow.close(), workerConnection.close()]);
    throw error;
  });
  // The plugin closes what it opened once the worker has stopped.
  const running = worker.run();
  running.catch((error: unknown) => console.error('the host worker failed', error));
  const clientConnection = await Connection.connect({ address: temporalAddress });
  // The plugin on the client too: the same data converter as the worker's.
  const client = new Client({ connection: clientConnection, namespace, plugins: [inviteflow] });

  return {
    client,
    taskQueue,
    async inviteAna(email) {
      const workspace = await inviteflow.putWorkspace('acme', { name: 'Acme' });
      return startInvitation(client, {
        taskQueue,
        workspace,
        invitee: { email, name: 'Ana' },
        roles: ['member'],
        inviter: { userId: 'u-bob', roles: ['admin'], name: 'Bob' },
      });
    },
    async stop() {
      // Ctrl-C reaches the worker too (the Temporal runtime's own signal handling).
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      await Promise.all([clientConnection.close(), workerConnection.close()]);
    },
  };
}

/** `tsx examples/host-worker/index.ts ana@example.org`, with the environment of an inviteflow worker. */
async function main(): Promise<void> {
  const env = process.env;
  const host = await runHostWorker({
    temporalAddress: env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233',
    inviteflow: {
      databaseUrl: env.DATABASE_URL,
      smtpUrl: env.SMTP_URL,
      mailFrom: env.MAIL_FROM,
      secret: env.INVITEFLOW_SECRET ?? '',
      publicBaseUrl: env.PUBLIC_BASE_URL ?? '',
    },
  });
  const invitation = await host.inviteAna(process.argv[2] ?? 'ana@example.org');
  console.log(`invitation ${invitation.id} is ${invitation.status}; the worker runs until Ctrl-C`);
  process.once('SIGINT', () => void host.stop());
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
