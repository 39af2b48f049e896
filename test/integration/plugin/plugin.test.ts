import { randomBytes, randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import { createOrm } from '../../../db/orm';
import { startMailCatcher, type MailCatcher } from '../../../embedded/mail-catcher';
import { onboardingWorkflow } from '../../../examples/host-worker/workflows';
import { runHostWorker } from '../../../examples/host-worker';
import {
  acceptInvitation,
  createInviteflowPlugin,
  getInvitation,
  RuleViolation,
  startInvitation,
  type InviteflowPluginOptions,
} from 'inviteflow/plugin';
import { createTestDatabase } from '../../support/database';
import { linkIn } from '../../support/harness';
import { quietLogger } from '../../support/quiet-logger';
import { testServers } from '../../support/servers';

// Each worker bundles its workflows itself, as a host's does: slow on a busy machine.
jest.setTimeout(180_000);

const publicBaseUrl = 'https://host.example';
const inviter = { userId: 'u-bob', roles: ['admin'], name: 'Bob' };

let catcher: MailCatcher;
let databaseUrl: string;
let projection: MikroORM;
let options: InviteflowPluginOptions;

beforeAll(async () => {
  [catcher, databaseUrl] = await Promise.all([startMailCatcher(), createTestDatabase()]);
  options = { databaseUrl, smtpUrl: catcher.url, secret: randomBytes(32).toString('base64url'), publicBaseUrl };
});

afterAll(async () => {
  await Promise.all([projection?.close(), catcher?.stop()]);
});

async function projectedStatus(invitationId: string): Promise<string | undefined> {
  projection ??= await createOrm(databaseUrl);
  const rows = await projection.em
    .fork()
    .execute<{ status: string }[]>('select status from invitations where id = ?', [invitationId]);
  return rows[0]?.status;
}

test('a worker built only from the plugin runs an invitation started with the helpers', async () => {
  const { temporalAddress: address } = testServers();
  const inviteflow = await createInviteflowPlugin(options);
  const taskQueue = `plugin-${randomUUID()}`;
  const workerConnection = await NativeConnection.connect({ address });
  const clientConnection = await Connection.connect({ address });
  try {
    const worker = await Worker.create({ connection: workerConnection, taskQueue, plugins: [inviteflow] });
    const client = new Client({ connection: clientConnection, plugins: [inviteflow] });
    await worker.runUntil(async () => {
      const workspace = await inviteflow.putWorkspace('acme', { name: 'Acme' });
      const started = await startInvitation(client, {
        taskQueue,
        workspace,
        invitee: { email: 'ana@example.org', name: 'Ana' },
        inviter,
      });
      expect(started).toMatchObject({ workspaceId: 'acme', status: 'pending', roles: ['member'], sendCount: 1 });

      const mail = await catcher.waitFor((caught) => caught.to.includes('ana@example.org'), 30_000);
      expect(mail.subject).toContain('Acme');
      expect(linkIn(mail.text).origin).toBe(publicBaseUrl);
      expect(await projectedStatus(started.id)).toBe('pending');

      const accepted = await acceptInvitation(client, started.id, { userId: 'user-ana' });
      expect(accepted).toMatchObject({ status: 'accepted', acceptedBy: 'user-ana' });
      expect(await projectedStatus(started.id)).toBe('accepted');
      expect((await getInvitation(client, started.id)).status).toBe('accepted');

      const refused = await acceptInvitation(client, started.id, { userId: 'user-eve' }).catch(
        (error: unknown) => error,
      );
      expect(refused).toBeInstanceOf(RuleViolation);
      expect(refused).toMatchObject({ code: 'invitation_already_accepted' });
      // The same user again (a host retrying after a lost answer) gets the acceptance that happened.
      expect(await acceptInvitation(client, started.id, { userId: 'user-ana' })).toMatchObject({ status: 'accepted' });

      // The run holds the accept rules the plugin has no database for: one made for an account is that account's.
      const strict = await inviteflow.putWorkspace('strict', { name: 'Strict', settings: { requireEmailMatch: true } });
      const forKim = await startInvitation(client, {
        taskQueue,
        workspace: strict,
        invitee: { email: 'kim@example.org', userId: 'user-kim' },
        inviter,
      });
      const refusalOf = (acceptor: Parameters<typeof acceptInvitation>[2]) =>
        acceptInvitation(client, forKim.id, acceptor).catch((error: unknown) => error);
      expect(await refusalOf({ userId: 'user-eve' })).toMatchObject({ code: 'wrong_account' });
      expect(await refusalOf({ userId: 'user-kim', email: 'eve@example.org', workspace: strict })).toMatchObject({
        code: 'email_mismatch',
      });
      expect(
        await acceptInvitation(client, forKim.id, { userId: 'user-kim', email: 'KIM@example.org', workspace: strict }),
      ).toMatchObject({ status: 'accepted', acceptedBy: 'user-kim' });
    });
  } finally {
    await inviteflow.close();
    await Promise.all([workerConnection.close(), clientConnection.close()]);
  }
});

test('a workspace rule refuses the start before any workflow runs', async () => {
  const inviteflow = await createInviteflowPlugin(options);
  const connection = await Connection.connect({ address: testServers().temporalAddress });
  try {
    const workspace = await inviteflow.putWorkspace('acme', { name: 'Acme' });
    const client = new Client({ connection, plugins: [inviteflow] });
    const refused = await startInvitation(client, {
      taskQueue: 'nobody-polls-this',
      workspace,
      invitee: { email: 'zoe@example.org' },
      inviter: { userId: 'u-mia', roles: ['member'] },
    }).catch((error: unknown) => error);
    expect(refused).toMatchObject({ code: 'inviter_not_allowed' });
    const invalid = await startInvitation(client, {
      taskQueue: 'nobody-polls-this',
      workspace,
      invitee: { email: 'not-an-address' },
      inviter,
    }).catch((error: unknown) => error);
    expect(invalid).toMatchObject({ issues: [{ field: 'invitee.email' }] });
  } finally {
    await inviteflow.close();
    await connection.close();
  }
});

test('the example host worker runs its own workflow and inviteflow on one task queue', async () => {
  const host = await runHostWorker({
    temporalAddress: testServers().temporalAddress,
    taskQueue: `host-${randomUUID()}`,
    inviteflow: options,
  });
  try {
    const welcome = await host.client.workflow.execute(onboardingWorkflow, {
      taskQueue: host.taskQueue,
      workflowId: `onboarding-${randomUUID()}`,
      args: [{ userId: 'user-lea' }],
    });
    expect(welcome).toBe('welcome aboard, user-lea');

    const invitation = await host.inviteAna('ana.host@example.org');
    expect(invitation.status).toBe('pending');
    const mail = await catcher.waitFor((caught) => caught.to.includes('ana.host@example.org'), 30_000);
    expect(linkIn(mail.text).origin).toBe(publicBaseUrl);
    expect(await projectedStatus(invitation.id)).toBe('pending');
  } finally {
    await host.stop();
  }
});

test("a workflow bundle built with the plugin holds both the host's workflows and inviteflow's", async () => {
  const { temporalAddress: address } = testServers();
  const inviteflow = await createInviteflowPlugin(options);
  const taskQueue = `bundled-${randomUUID()}`;
  const connection = await NativeConnection.connect({ address });
  const clientConnection = await Connection.connect({ address });
  try {
    const workflowBundle = await bundleWorkflowCode({
      workflowsPath: require.resolve('../../../examples/host-worker/workflows'),
      plugins: [inviteflow],
      logger: quietLogger,
    });
    const worker = await Worker.create({
      connection,
      taskQueue,
      workflowBundle,
      activities: { welcomeLine: () => Promise.resolve('welcome') },
      plugins: [inviteflow],
    });
    const client = new Client({ connection: clientConnection, plugins: [inviteflow] });
    await worker.runUntil(async () => {
      const welcome = await client.workflow.execute(onboardingWorkflow, {
        taskQueue,
        workflowId: `onboarding-${randomUUID()}`,
        args: [{ userId: 'user-lea' }],
      });
      expect(welcome).toBe('welcome');
      const started = await startInvitation(client, {
        taskQueue,
        workspace: await inviteflow.putWorkspace('acme', { name: 'Acme' }),
        invitee: { email: 'ana.bundled@example.org' },
        inviter,
      });
      await catcher.waitFor((caught) => caught.to.includes('ana.bundled@example.org'), 30_000);
      expect((await getInvitation(client, started.id)).status).toBe('pending');
    });
  } finally {
    await inviteflow.close();
    await Promise.all([connection.close(), clientConnection.close()]);
  }
});
