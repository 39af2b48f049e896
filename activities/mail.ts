import { ApplicationFailure } from '@temporalio/common';
import type { Transporter } from 'nodemailer';
import nodemailer from 'nodemailer';
import { acceptLink } from '../domain/workspace';
import type { InvitationState } from '../domain/invitation';
import { invitationToken } from '../domain/tokens';
import type { EmailTemplates } from './email-templates';
import type { WorkspaceReader } from './workspaces';

export function createMailTransport(smtpUrl: string): Transporter {
  return nodemailer.createTransport(smtpUrl);
}

export interface MailDependencies {
  transport: Transporter;
  templates: EmailTemplates;
  workspaces: WorkspaceReader;
  mailFrom: string;
  secret: string;
  publicBaseUrl: string;
}

/** A stable Message-ID per invitation and send, so a retried send is recognisable downstream. */
export function invitationMessageId(invitationId: string, sendNumber: number, mailFrom: string): string {
  const domain = /@([^>\s]+)>?\s*$/.exec(mailFrom)?.[1] ?? 'inviteflow.local';
  return `<${invitationId}.${sendNumber}@${domain}>`;
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

export function createMailActivities(deps: MailDependencies) {
  return {
    async sendInvitationEmail({ invitation }: { invitation: InvitationState }): Promise<void> {
      const { invitee } = invitation;
      if (!invitee.email) return;
      const workspace = await deps.workspaces.get(invitation.workspaceId);
      const link = acceptLink(workspace.settings, deps.publicBaseUrl, invitationToken(deps.secret, invitation.id));
      const rendered = deps.templates.render('invitation', {
        workspaceName: workspace.name,
        inviterName: invitation.inviter.name ?? 'A teammate',
        inviteeName: invitee.name,
        roles: invitation.roles,
        link,
        expiresOn: invitation.expiresAt ? new Date(invitation.expiresAt).toUTCString() : 'never',
        isResend: invitation.sendCount > 1,
      });
      try {
        await deps.transport.sendMail({
          from: deps.mailFrom,
          to: invitee.name ? { name: invitee.name, address: invitee.email } : invitee.email,
          messageId: invitationMessageId(invitation.id, invitation.sendCount, deps.mailFrom),
          subject: rendered.subject,
          html: rendered.html,
          text: rendered.text,
        });
      } catch (error) {
        throw smtpFailure(error);
      }
    },
  };
}
