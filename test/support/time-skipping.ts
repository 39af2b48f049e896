import { randomBytes, randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import nodemailer from 'nodemailer';
import { createActivities } from '../../activities';
import { invitationWorkflowId, type InvitationState } from '../../domain/invitation';
import { startMailCatcher, type MailCatcher } from '../../embedded/mail-catcher';
import { inviteflowDataConverter } from '../../runtime/data-converter';
import { payloadKeys } from '../../runtime/payload-codec';
import { addSearchAttributes } from '../../runtime/search-attributes';
import { openInvitation } from '../../domain/new-invitation';
import { invitationWorkflow } from '../../workflows/invitation';
import { invitationSearchAttributes } from '../../workflows/search-attributes';
import { openTestDatabase } from './database';
import { testServers } from './servers';

/**
 * The Java time-skipping test server with real activities, PostgreSQL and
 * SMTP: for timer paths only, since it has known bugs with workflow updates.
 */
export interface TimeSkippingStack {
  env: TestWorkflowEnvironment;
  orm: MikroORM;
  catcher: MailCatcher;
  /** Starts an invitation (sent at once) and runs a worker until its run has closed. */
  runToTheEnd(invitation: InvitationState): Promise<InvitationState>;
  stop(): Promise<void>;
}

export async function startTimeSkippingStack(): Promise<TimeSkippingStack> {
  const servers = testServers();
  const secret = randomBytes(32).toString('base64url');
  // Payloads encrypted as in production, by the worker and the client alike.
  const dataConverter = inviteflowDataConverter(payloadKeys(secret));
  const [env, orm, catcher] = await Promise.all([
    TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: { type: 'existing-path', path: servers.testServerPath } },
      client: { dataConverter },
    }),
    openTestDatabase(),
    startMailCatcher(),
  ]);
  await addSearchAttributes(env.connection, env.namespace ?? 'default');
  await orm.em
    .fork()
    .getConnection()
    .execute(`insert into workspaces (id, name, settings) values ('w1', 'Acme', '{"acceptUrl": null}')`);

  async function runToTheEnd(invitation: InvitationState): Promise<InvitationState> {
    const taskQueue = `timers-${randomUUID()}`;
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: { codePath: servers.workflowBundlePath },
      dataConverter,
      activities: createActivities({
        orm,
        temporal: env.client,
        taskQueue,
        transport: nodemailer.createTransport(catcher.url),
        mailFrom: 'inviteflow <no-reply@example.org>',
        secret,
        publicBaseUrl: 'http://localhost:3000',
        twilio: null,
      }),
    });
    return worker.runUntil(async () => {
      const opened = openInvitation(invitation, 'send', new Date(await env.currentTimeMs()));
      const handle = await env.client.workflow.start(invitationWorkflow, {
        taskQueue,
        workflowId: invitationWorkflowId(opened.invitation.id),
        args: [{ invitation: opened.invitation, opening: { earlier: opened.earlier } }],
        typedSearchAttributes: invitationSearchAttributes(opened.invitation),
      });
      return handle.result();
    });
  }

  return {
    env,
    orm,
    catcher,
    runToTheEnd,
    stop: async () => {
      await Promise.allSettled([env.teardown(), orm.close(), catcher.stop()]);
    },
  };
}
