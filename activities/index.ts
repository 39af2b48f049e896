import type { MikroORM } from '@mikro-orm/postgresql';
import type { Client } from '@temporalio/client';
import type { Transporter } from 'nodemailer';
import type { TwilioSettings } from '../config/config';
import { SecretBox } from '../domain/secret-box';
import { createTemplateOverrides } from '../store/email-templates';
import { EmailTemplates } from '../delivery/email-templates';
import { createMailActivities } from './mail';
import { createBulkActivities } from './bulk-import';
import { heartbeating } from './heartbeat';
import { createPlaceReclaimActivities } from './place-reclaim';
import { createProjectionActivities, type RecordTransitionInput } from './projection';
import { createMembershipActivities } from './membership';
import { setMembershipEnd } from '../usecases/membership-runs';
import { createSentMessages } from '../store/sent-messages';
import { createSmsActivities } from './sms';
import { SmsTemplates } from '../delivery/sms-templates';
import { createTwilioSender } from '../delivery/twilio';
import type { EndpointsToWake } from '../store/webhook-outbox';
import { wakeWebhookDispatchers } from './webhook-waker';
import { createWebhookActivities } from './webhooks';
import { createWorkspaceReader } from '../store/workspaces';

export interface ActivityDependencies {
  orm: MikroORM;
  temporal: Client;
  taskQueue: string;
  transport: Transporter;
  mailFrom: string;
  secret: string;
  publicBaseUrl: string;
  templates?: EmailTemplates;
  /** `null` when SMS is not configured. */
  twilio: TwilioSettings | null;
  /** WEBHOOK_ALLOWED_NETWORKS: private networks webhooks may be delivered to (none when absent). */
  webhookAllowedNetworks?: readonly string[];
}

export function createActivities(deps: ActivityDependencies) {
  const workspaces = createWorkspaceReader(deps.orm);
  const wake = (endpointIds: EndpointsToWake) => wakeWebhookDispatchers(deps.temporal, deps.taskQueue, endpointIds);
  const projection = createProjectionActivities({
    orm: deps.orm,
    wakeWebhookDispatchers: wake,
    async startMembership(workspaceId, userId, expiresAt) {
      const { settings } = await workspaces.get(workspaceId);
      await setMembershipEnd(deps.temporal, deps.taskQueue, settings, { workspaceId, userId, expiresAt });
    },
  });
  const mail = createMailActivities({
    transport: deps.transport,
    templates: deps.templates ?? new EmailTemplates(),
    workspaces,
    overrides: createTemplateOverrides(deps.orm),
    sentMessages: createSentMessages(deps.orm),
    mailFrom: deps.mailFrom,
    secret: deps.secret,
    publicBaseUrl: deps.publicBaseUrl,
  });
  const sms = createSmsActivities({
    sender: deps.twilio && createTwilioSender(deps.twilio),
    templates: new SmsTemplates(),
    workspaces,
    secret: deps.secret,
    publicBaseUrl: deps.publicBaseUrl,
  });
  return {
    ...projection,
    // Heartbeats, so a write cut off by a dead worker is retried after the heartbeat timeout, not its 30 s.
    recordTransition: (input: RecordTransitionInput) => heartbeating(() => projection.recordTransition(input)),
    ...createBulkActivities({
      orm: deps.orm,
      temporal: deps.temporal,
      taskQueue: deps.taskQueue,
      secret: deps.secret,
      workspaces,
      wakeWebhookDispatchers: wake,
      deliverFirst: { email: mail.sendInvitationEmail, sms: sms.sendInvitationSms },
    }),
    ...createPlaceReclaimActivities({ orm: deps.orm, workspaces }),
    ...createMembershipActivities({ orm: deps.orm, wakeWebhookDispatchers: wake }),
    ...mail,
    ...sms,
    ...createWebhookActivities({
      orm: deps.orm,
      secrets: new SecretBox(deps.secret),
      allowedNetworks: deps.webhookAllowedNetworks,
      wakeWebhookDispatchers: wake,
    }),
  };
}

export type Activities = ReturnType<typeof createActivities>;
