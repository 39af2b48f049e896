import { log } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Transporter } from 'nodemailer';
import { countedDelivery, deliveries } from '../runtime/metrics';
import { acceptLink } from '../domain/workspace';
import { messageOf, type InvitationState } from '../domain/invitation';
import { invitationMessageId, messageLocalPart } from '../domain/message-id';
import { postmarkMessageHeader } from '../domain/email-events';
import { invitationToken } from '../domain/tokens';
import type { EmailTemplates, InvitationEmailModel, RenderedEmail } from '../delivery/email-templates';
import type { WorkspaceReader } from '../store/workspaces';
import type { TemplateOverrides } from '../store/email-templates';
import type { EmailTemplateName } from '../domain/email-template';
import { databaseFailure } from './database-failure';
import { heartbeating } from './heartbeat';
import type { SentMessages } from '../store/sent-messages';

export interface MailDependencies {
  transport: Transporter;
  templates: EmailTemplates;
  workspaces: WorkspaceReader;
  overrides: TemplateOverrides;
  sentMessages: SentMessages;
  mailFrom: string;
  secret: string;
  publicBaseUrl: string;
}

/**
 * SMTP failures as Temporal sees them: 5xx replies are permanent, so the
 * workflow hears at once; the rest are retried. Only codes are kept, because
 * servers' texts often quote the recipient's address, which must not reach
 * workflow history.
 */
function smtpFailure(error: unknown): ApplicationFailure {
  const { responseCode, code } = error as { responseCode?: unknown; code?: unknown };
  if (typeof responseCode === 'number' && responseCode >= 500) {
    return ApplicationFailure.nonRetryable(
      `SMTP refused the invitation email with reply ${responseCode}`,
      'smtp_rejected',
    );
  }
  const reason =
    typeof responseCode === 'number' ? `reply ${responseCode}` : typeof code === 'string' ? code : 'no reply';
  return ApplicationFailure.retryable(`SMTP could not take the invitation email (${reason})`, 'smtp_unavailable');
}

/**
 * A template that cannot render will not render on a retry either: a
 * permanent failure of the message. Its error may quote the model (the
 * invitee's name, the link), so neither the failure nor the log repeats it.
 */
function renderOrRefuse(
  invitation: InvitationState,
  name: EmailTemplateName,
  render: () => RenderedEmail,
): RenderedEmail {
  try {
    return render();
  } catch (error) {
    log.error('Email template failed to render', {
      invitationId: invitation.id,
      workspaceId: invitation.workspaceId,
      template: name,
      error: error instanceof Error ? error.name : typeof error,
    });
    throw ApplicationFailure.nonRetryable(`the ${name} email template could not be rendered`, 'template_render_failed');
  }
}

type Recipient = string | { name: string; address: string };

/** Where the invitee's emails go; `undefined` without an address (another channel reaches them). */
function recipientOf({ email, name }: InvitationState['invitee']): Recipient | undefined {
  if (!email) return undefined;
  return name ? { name, address: email } : email;
}

export function createMailActivities(deps: MailDependencies) {
  /** What the invitation and its reminders show: who invites to what, the link and the expiry. */
  async function invitationDetails(
    invitation: InvitationState,
  ): Promise<{ locales: (string | null)[]; model: InvitationEmailModel }> {
    const workspace = await deps.workspaces.get(invitation.workspaceId);
    return {
      locales: [invitation.locale, workspace.settings.locale],
      model: {
        workspaceName: workspace.name,
        inviterName: invitation.inviter.name ?? null,
        inviteeName: invitation.invitee.name,
        roles: invitation.roles,
        link: acceptLink(workspace.settings, deps.publicBaseUrl, invitationToken(deps.secret, invitation.id)),
        expiresAt: invitation.expiresAt,
      },
    };
  }

  async function deliver(
    to: Recipient,
    invitation: InvitationState,
    { subject, html, text }: RenderedEmail,
  ): Promise<void> {
    const message = messageOf(invitation);
    const messageId = invitationMessageId(invitation.id, message, deps.mailFrom);
    // Postmark reports its own message ids, and the metadata it was given: this names the message to its webhooks.
    const headers = { [postmarkMessageHeader]: messageLocalPart(invitation.id, message) };
    const outcome = await deps.sentMessages
      .sendOnce(messageId, () =>
        countedDelivery('email', async () => {
          try {
            await deps.transport.sendMail({ from: deps.mailFrom, to, messageId, headers, subject, html, text });
          } catch (error) {
            throw smtpFailure(error);
          }
        }),
      )
      .catch((error: unknown) => {
        throw error instanceof ApplicationFailure
          ? error
          : databaseFailure('claiming the sent-message record', 'database_failed', error);
      });
    if (outcome === 'already_sent') {
      log.info('Email already accepted by the SMTP server, not sent again', { messageId });
      deliveries.inc({ channel: 'email', outcome: 'already_sent' });
    }
  }

  /** Renders the email `name` of the invitation's latest message and sends it, unless the SMTP server took it before. */
  function sendOnce(invitation: InvitationState, name: EmailTemplateName): Promise<void> {
    return heartbeating(async () => {
      const to = recipientOf(invitation.invitee);
      if (!to) return;
      const { locales, model } = await invitationDetails(invitation);
      const overrides = await deps.overrides(invitation.workspaceId, name);
      await deliver(
        to,
        invitation,
        renderOrRefuse(invitation, name, () => deps.templates.render(name, locales, model, overrides)),
      );
    });
  }

  return {
    /** The email of the latest send: the invitation the first time, the resend email after. */
    sendInvitationEmail: ({ invitation }: { invitation: InvitationState }): Promise<void> =>
      sendOnce(invitation, invitation.sendCount > 1 ? 'resend' : 'invitation'),

    /** The reminder of the latest send, for a state whose last event is that reminder. */
    sendReminderEmail: ({ invitation }: { invitation: InvitationState }): Promise<void> =>
      sendOnce(invitation, 'reminder'),
  };
}
