import { randomBytes, randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import nodemailer from 'nodemailer';
import { createActivities } from '../../../activities';
import { InvitationSchema } from '../../../db/entities';
import { DAY } from '../../../domain/duration';
import { createInvitation, invitationWorkflowId, type InvitationState } from '../../../domain/invitation';
import { startMailCatcher, type MailCatcher } from '../../../embedded/mail-catcher';
import { addSearchAttributes } from '../../../runtime/search-attributes';
import { invitationWorkflow, expiredRetentionMs } from '../../../workflows/invitation';
import { openTestDatabase } from '../../support/database';
import { testServers } from '../../support/servers';

// Timer paths only: the time-skipping server has known bugs with workflow updates.
let env: TestWorkflowEnvironment;
let orm: MikroORM;
let catcher: MailCatcher;

beforeAll(async () => {
  const servers = testServers();
  [env, orm, catcher] = await Promise.all([
    TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: { type: 'existing-path', path: servers.testServerPath } },
    }),
    openTestDatabase(),
    startMailCatcher(),
  ]);
  await addSearchAttributes(env.connection, env.namespace ?? 'default');
  await orm.em
    .fork()
    .getConnection()
    .execute(`insert into workspaces (id, name, settings) values ('w1', 'Acme', '{"acceptUrl": null}')`);
});

afterAll(async () => {
  await Promise.allSettled([env?.teardown(), orm?.close(), catcher?.stop()]);
});

function newInvitation(): InvitationState {
  return createInvitation(
    {
      id: `inv_${randomUUID()}`,
      workspaceId: 'w1',
      invitee: { email: 'ana@example.org', phone: null, name: 'Ana', userId: null },
      roles: ['member'],
      groups: [],
      channels: ['email'],
      inviter: { userId: 'u1', roles: ['admin'] },
      locale: null,
      ttlMs: 7 * DAY,
    },
    new Date(),
  );
}

test('a 7-day invitation expires at the moment of expiry, in test time, and is projected as expired', async () => {
  const taskQueue = `expiry-${randomUUID()}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: { codePath: testServers().workflowBundlePath },
    activities: createActivities({
      orm,
      temporal: env.client,
      taskQueue,
      transport: nodemailer.createTransport(catcher.url),
      mailFrom: 'inviteflow <no-reply@example.org>',
      secret: randomBytes(32).toString('base64url'),
      publicBaseUrl: 'http://localhost:3000',
    }),
  });
  const invitation = newInvitation();

  const final = await worker.runUntil(async () => {
    const handle = await env.client.workflow.start(invitationWorkflow, {
      taskQueue,
      workflowId: invitationWorkflowId(invitation.id),
      args: [{ invitation, send: true }],
    });
    return handle.result();
  });

  const sent = final.events.find((event) => event.type === 'sent')!;
  const expired = final.events.find((event) => event.type === 'expired')!;
  expect(final.status).toBe('expired');
  expect(Date.parse(expired.at) - Date.parse(sent.at)).toBeGreaterThanOrEqual(7 * DAY);
  expect(Date.parse(expired.at) - Date.parse(sent.at)).toBeLessThan(7 * DAY + 60_000);
  expect(final.expiresAt).toBe(new Date(Date.parse(sent.at) + 7 * DAY).toISOString());
  // The run stays open for resends until the retention ends, then closes as expired.
  expect(await env.currentTimeMs()).toBeGreaterThanOrEqual(Date.parse(expired.at) + expiredRetentionMs - 60_000);

  const row = await orm.em.fork().findOneOrFail(InvitationSchema, invitation.id);
  expect(row.status).toBe('expired');
  expect(row.version).toBe(final.events.length);
  expect(catcher.messages().filter((mail) => mail.messageId?.includes(invitation.id))).toHaveLength(1);
});
