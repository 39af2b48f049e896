import { Router, type RequestHandler } from 'express';
import { WorkflowNotFoundError } from '@temporalio/common';
import twilio from 'twilio';
import { twilioOutcome } from '../../domain/delivery-reports';
import { invitationWorkflowId } from '../../domain/invitation';
import { reportDeliveryUpdate } from '../../workflows/invitation-messages';
import type { ApiContext } from '../context';
import { Problem } from '../problem';
import { routes } from '../../contract';
import { serve } from '../serve';

/**
 * Callbacks from delivery providers. They carry no API key: Twilio signs each
 * with the account's auth token over the full URL it was given and the form fields.
 */
export function providersRouter(ctx: ApiContext): Router {
  const router = Router();

  // Checked before the fields are read: an unsigned request learns nothing of what they should be.
  const signedByTwilio: RequestHandler = (req, _res, next) => {
    if (!ctx.twilio) throw new Problem('not_found', 'SMS is not configured on this server');
    const signature = req.header('x-twilio-signature');
    // The URL Twilio signed is the one the worker gave it, on PUBLIC_BASE_URL, whatever proxies are in between.
    const url = `${ctx.publicBaseUrl.replace(/\/$/, '')}${req.originalUrl}`;
    const params = (req.body ?? {}) as Record<string, string>;
    if (!signature || !twilio.validateRequest(ctx.twilio.authToken, signature, url, params)) {
      throw new Problem('forbidden', 'the X-Twilio-Signature header does not match the request');
    }
    next();
  };

  serve(
    router,
    routes.twilioStatusCallback,
    async ({ query, body: status }, req) => {
      const { invitation, send, reminder } = query;
      const outcome = twilioOutcome(status);
      if (outcome) {
        const handle = ctx.temporal.workflow.getHandle(invitationWorkflowId(invitation));
        const report = {
          channel: 'sms' as const,
          messageId: status.MessageSid,
          ...outcome,
          message: { send, reminder },
        };
        try {
          await ctx.temporal.withDeadline(Date.now() + ctx.temporalTimeoutMs, () =>
            // The update ID makes a report Twilio repeats while the first is in flight count once.
            handle.executeUpdate(reportDeliveryUpdate, {
              args: [report],
              updateId: `twilio-${status.MessageSid}-${status.MessageStatus}`,
            }),
          );
        } catch (error) {
          // A closed invitation has no use for news about its messages; Twilio only needs to hear it was received.
          if (!(error instanceof WorkflowNotFoundError)) throw error;
          req.log.info({ invitationId: invitation }, 'delivery report for a closed invitation ignored');
        }
      }
      return { status: 204 };
    },
    [signedByTwilio],
  );

  return router;
}
