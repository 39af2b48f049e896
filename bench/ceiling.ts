import { Client } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import nodemailer from 'nodemailer';
import { baselineMessage } from './message';
import { ceilingWorkflow, type CeilingActivities } from './ceiling-workflow';

const taskQueue = 'bench-ceiling';

/** How many workflow starts are in flight at once, as in inviteflow's bulk batches. */
const startConcurrency = 16;

/**
 * What Temporal itself allows on this machine: a workflow per row doing only
 * what any workflow per invitation must (a start, two workflow tasks, one
 * email activity), with its worker in this process.
 */
export async function ceilingRun(
  rows: string[],
  temporalAddress: string,
  smtpUrl: string,
): Promise<{ startedAt: number; stop(): Promise<void> }> {
  // The bench prints figures on stdout; the SDK's own INFO lines would bury them.
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const connection = await NativeConnection.connect({ address: temporalAddress });
  const transport = nodemailer.createTransport({ url: smtpUrl, pool: true });
  const activities: CeilingActivities = {
    async sendInvitationEmail(email, index) {
      await transport.sendMail(baselineMessage(email, index));
    },
  };
  // Bundled before the clock starts, like the inviteflow worker.
  const worker = await Worker.create({
    connection,
    taskQueue,
    workflowsPath: require.resolve('./ceiling-workflow'),
    activities,
  });
  const running = worker.run();
  const client = new Client({ connection });
  const startedAt = Date.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: startConcurrency }, async () => {
      while (next < rows.length) {
        const index = next++;
        await client.workflow.start(ceilingWorkflow, {
          taskQueue,
          workflowId: `ceiling-${index}`,
          args: [rows[index]!, index],
        });
      }
    }),
  );
  return {
    startedAt,
    async stop() {
      worker.shutdown();
      await running;
      transport.close();
      await connection.close();
    },
  };
}
