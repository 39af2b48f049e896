import { Router, type RequestHandler } from 'express';
import twilio from 'twilio';
import { twilioOutcome } from '../../domain/delivery-reports';
import { postmarkReport, sendgridReport, sesNotificationSchema, sesReports } from '../../domain/email-events';
import type { ApiContext } from '../context';
import { reportToRun, takeEmailReports } from '../delivery-reports';
import { signedByPostmark, signedBySendgrid } from '../provider-signatures';
import { snsVerifier } from '../sns-verifier';
import { Problem } from '../problem';
import { routes } from '../../contract';
import { serve } from '../serve';

/** SES's notification is JSON inside the SNS message; anything else is not one. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Callbacks from delivery providers. They carry no API key: Twilio signs each
 * with the account's auth token over the full URL it was given and the form
 * fields; the email providers sign theirs as their routes describe.
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
        const report = {
          channel: 'sms' as const,
          messageId: status.MessageSid,
          ...outcome,
          message: { send, reminder },
        };
        // The update ID makes a report Twilio repeats while the first is in flight count once.
        await reportToRun(ctx, invitation, report, `twilio-${status.MessageSid}-${status.MessageStatus}`, req.log);
      }
      return { status: 204 };
    },
    [signedByTwilio],
  );

  const { emailEvents } = ctx;
  const sns = emailEvents.ses && snsVerifier(emailEvents.ses, ctx.log);
  // SNS signs inside the body, so the check waits for it to be read; a server without SES says so first.
  const sesConfigured: RequestHandler = (_req, _res, next) => {
    if (!sns) throw new Problem('not_found', 'SES notifications are not configured on this server');
    next();
  };
  serve(
    router,
    routes.sesEvents,
    async ({ body: message }, req) => {
      await sns!.verify(message);
      if (message.Type === 'SubscriptionConfirmation') await sns!.confirm(message);
      if (message.Type !== 'Notification') return { status: 204 };
      const notification = sesNotificationSchema.safeParse(parseJson(message.Message));
      if (!notification.success) {
        req.log.warn({ messageId: message.MessageId }, 'SNS notification that is not an SES event ignored');
        return { status: 204 };
      }
      const reports = sesReports(notification.data, message.MessageId, emailEvents.messageIdDomain);
      await takeEmailReports(ctx, 'ses', reports, req.log);
      return { status: 204 };
    },
    [sesConfigured],
  );

  serve(
    router,
    routes.sendgridEvents,
    async ({ body: events }, req) => {
      const reports = events.flatMap((event) => sendgridReport(event, emailEvents.messageIdDomain) ?? []);
      await takeEmailReports(ctx, 'sendgrid', reports, req.log);
      return { status: 204 };
    },
    [signedBySendgrid(emailEvents.sendgrid)],
  );

  serve(
    router,
    routes.postmarkEvents,
    async ({ body: record }, req) => {
      const report = postmarkReport(record, emailEvents.messageIdDomain);
      await takeEmailReports(ctx, 'postmark', report ? [report] : [], req.log);
      return { status: 204 };
    },
    [signedByPostmark(emailEvents.postmark)],
  );

  return router;
}
