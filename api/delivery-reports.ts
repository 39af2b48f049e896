import { WorkflowNotFoundError } from '@temporalio/common';
import pLimit from 'p-limit';
import type { Logger } from 'pino';
import { invitationWorkflowId, type InvitationState } from '../domain/invitation';
import type { EmailReport } from '../domain/email-events';
import { suppressedAddressHash, suppressionReason } from '../domain/suppression';
import { findInvitation } from '../store/invitations';
import { suppressAddress } from '../store/suppressions';
import { reportDeliveryUpdate, type DeliveryReport } from '../workflows/invitation-messages';
import type { ApiContext } from './context';

/** A provider's batch is reported a few at a time: its runs are many, Temporal's connections few. */
const concurrentReports = 8;

/**
 * Gives a provider's report to the invitation's run, which records it once
 * (repeats by `updateId` while in flight, or by message after) and falls
 * back to another channel when it should. `undefined` when the run is
 * closed: it has no use for news about its messages.
 */
export async function reportToRun(
  ctx: ApiContext,
  invitationId: string,
  report: DeliveryReport,
  updateId: string,
  log: Logger,
): Promise<InvitationState | undefined> {
  const handle = ctx.temporal.workflow.getHandle(invitationWorkflowId(invitationId));
  try {
    return await ctx.temporal.withDeadline(Date.now() + ctx.temporalTimeoutMs, () =>
      handle.executeUpdate(reportDeliveryUpdate, { args: [report], updateId }),
    );
  } catch (error) {
    if (!(error instanceof WorkflowNotFoundError)) throw error;
    log.info({ invitationId }, 'delivery report for a closed invitation ignored');
    return undefined;
  }
}

/**
 * An email provider's reports: each to its invitation's run, and a hard
 * bounce or complaint suppresses the address in the invitation's workspace,
 * closed invitations included. Answered once all are kept, so a provider
 * that hears of a failure sends the batch again, and repeats change nothing.
 */
export async function takeEmailReports(
  ctx: ApiContext,
  provider: 'ses' | 'sendgrid' | 'postmark',
  reports: EmailReport[],
  log: Logger,
): Promise<void> {
  const limit = pLimit(concurrentReports);
  await Promise.all(
    reports.map((report) =>
      limit(async () => {
        const { eventId, invitationId, message, messageId, delivered, bounceType, complaint, reason } = report;
        const state = await reportToRun(
          ctx,
          invitationId,
          { channel: 'email', messageId, delivered, reason, bounceType, complaint, message },
          `${provider}-${eventId}`,
          log,
        );
        const suppressed = suppressionReason(report);
        if (!suppressed) return;
        const invitation = state ?? (await findInvitation(ctx.orm, invitationId));
        if (!invitation?.invitee.email) return;
        await suppressAddress(
          ctx.orm,
          invitation.workspaceId,
          suppressedAddressHash(ctx.secret, invitation.invitee.email),
          suppressed,
        );
      }),
    ),
  );
}
