import { ApplicationFailure } from '@temporalio/common';
import { messageOf, type InvitationState } from '../domain/invitation';
import { countedDelivery } from '../runtime/metrics';
import { invitationToken } from '../domain/tokens';
import { acceptLink } from '../domain/workspace';
import { SmsTooLongError, type SmsTemplateName, type SmsTemplates } from '../delivery/sms-templates';
import { heartbeating } from './heartbeat';
import type { SmsSender } from '../delivery/twilio';
import type { WorkspaceReader } from '../store/workspaces';

export interface SmsDependencies {
  /** `null` when SMS is not configured: SMS deliveries then fail for good, and may fall back to email. */
  sender: SmsSender | null;
  templates: SmsTemplates;
  workspaces: WorkspaceReader;
  secret: string;
  publicBaseUrl: string;
}

/** Where Twilio reports on a message; the query says which invitation and message, and Twilio signs it all. */
export function twilioStatusCallbackUrl(publicBaseUrl: string, invitation: InvitationState): string {
  const { send, reminder } = messageOf(invitation);
  const query = new URLSearchParams({ invitation: invitation.id, send: String(send), reminder: String(reminder) });
  return `${publicBaseUrl.replace(/\/$/, '')}/v1/providers/twilio/status?${query.toString()}`;
}

/**
 * Twilio failures as Temporal sees them: a refusal of the message itself
 * (4xx: invalid or blocked number, unsubscribed recipient) is permanent; rate
 * limits, Twilio's own errors, the network and bad credentials, which an
 * operator can fix, are retried. Only codes are kept: Twilio's texts quote the number.
 */
function twilioFailure(error: unknown): ApplicationFailure {
  if (error instanceof SmsTooLongError) return ApplicationFailure.nonRetryable(error.message, 'sms_too_long');
  const { status, code } = error as { status?: unknown; code?: unknown };
  if (typeof status === 'number' && status >= 400 && status < 500 && ![401, 403, 429].includes(status)) {
    const shown = typeof code === 'number' ? code : status;
    return ApplicationFailure.nonRetryable(`Twilio refused the SMS (error ${shown})`, 'sms_rejected');
  }
  const reason = typeof status === 'number' ? `HTTP ${status}` : typeof code === 'string' ? code : 'no answer';
  return ApplicationFailure.retryable(`Twilio could not take the SMS (${reason})`, 'sms_unavailable');
}

export function createSmsActivities(deps: SmsDependencies) {
  async function sendSms(name: SmsTemplateName, invitation: InvitationState): Promise<{ sid: string } | null> {
    const to = invitation.invitee.phone;
    if (!to) return null;
    const sender = deps.sender;
    if (!sender) throw ApplicationFailure.nonRetryable('SMS is not configured (TWILIO_*)', 'sms_not_configured');
    const workspace = await deps.workspaces.get(invitation.workspaceId);
    return countedDelivery('sms', async () => {
      try {
        const body = deps.templates.render(name, [invitation.locale, workspace.settings.locale], {
          workspaceName: workspace.name,
          inviterName: invitation.inviter.name ?? null,
          link: acceptLink(workspace.settings, deps.publicBaseUrl, invitationToken(deps.secret, invitation.id)),
          app: workspace.settings.app ?? null,
        });
        return await sender.send({
          to,
          body,
          statusCallback: twilioStatusCallbackUrl(deps.publicBaseUrl, invitation),
        });
      } catch (error) {
        throw twilioFailure(error);
      }
    });
  }

  return {
    /** The SMS of a send; its SID, which Twilio's status callbacks name, is in the run's history. */
    sendInvitationSms: ({ invitation }: { invitation: InvitationState }) =>
      heartbeating(() => sendSms('invitation', invitation)),
    /** The reminder of the latest send, for a state whose last reminder is that one. */
    sendReminderSms: ({ invitation }: { invitation: InvitationState }) =>
      heartbeating(() => sendSms('reminder', invitation)),
  };
}
