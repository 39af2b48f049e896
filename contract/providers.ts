import { twilioCallbackQuerySchema, twilioStatusSchema } from '../domain/delivery-reports';
import { postmarkRecordSchema, sendgridBatchSchema } from '../domain/email-events';
import { snsMessageSchema } from '../domain/sns-message';
import { route } from './route';

const emailEventsEffect =
  'A delivery becomes a `delivered` event; a bounce or complaint a `delivery_failed` event with `bounceType` ' +
  "(hard or soft) or `complaint`. A hard bounce sends the message on the workspace's fallback channel, if any; " +
  'a hard bounce or a complaint suppresses the address in the workspace, so a new invitation to it answers 422 ' +
  '`address_suppressed` unless `force` is true. Events on mail inviteflow did not send are ignored, and an event ' +
  'the provider repeats is recorded once. A provider that is not configured answers 404.';

/** Callbacks from delivery providers, signed by the provider instead of carrying an API key. */
export const providerRoutes = {
  twilioStatusCallback: route({
    method: 'post',
    path: '/v1/providers/twilio/status',
    tag: 'Providers',
    summary: "Twilio's status callback for an SMS",
    description:
      'The URL inviteflow gives Twilio with each SMS; not for hosts. Twilio signs each callback with the auth token ' +
      '(`X-Twilio-Signature` over this URL on PUBLIC_BASE_URL and the form fields): a wrong or missing signature is a ' +
      '403. `delivered` becomes a `delivered` event, `failed` and `undelivered` a `delivery_failed` event (and the ' +
      "workspace's fallback channel, if any); other statuses change nothing. A report Twilio repeats is recorded once.",
    access: 'public',
    query: twilioCallbackQuerySchema,
    body: twilioStatusSchema,
    form: true,
    answers: { 204: { description: 'Received' } },
    errors: ['forbidden', 'not_found'],
  }),
  sesEvents: route({
    method: 'post',
    path: '/v1/providers/ses/events',
    tag: 'Providers',
    summary: "Amazon SES's bounces, complaints and deliveries, through SNS",
    description:
      'The HTTPS subscription of an SNS topic that SES publishes notifications to (with original headers included, ' +
      'so the Message-ID can be matched); not for hosts. Each message must be signed by SNS with the certificate ' +
      'at its `SigningCertURL` and come from a topic in SES_SNS_TOPIC_ARNS, else 403. A subscription is confirmed ' +
      'on its first message. ' +
      emailEventsEffect,
    access: 'public',
    body: snsMessageSchema,
    signedBody: true,
    answers: { 204: { description: 'Received' } },
    errors: ['forbidden', 'not_found', 'unavailable'],
  }),
  sendgridEvents: route({
    method: 'post',
    path: '/v1/providers/sendgrid/events',
    tag: 'Providers',
    summary: "SendGrid's signed Event Webhook",
    description:
      'Not for hosts. SendGrid signs each batch (`X-Twilio-Email-Event-Webhook-Signature`, ECDSA over ' +
      '`X-Twilio-Email-Event-Webhook-Timestamp` and the body) with the key in SENDGRID_WEBHOOK_PUBLIC_KEY: a ' +
      'wrong or missing signature is a 403. Events are matched by their `smtp-id`. ' +
      emailEventsEffect,
    access: 'public',
    body: sendgridBatchSchema,
    signedBody: true,
    answers: { 204: { description: 'Received' } },
    errors: ['forbidden', 'not_found'],
  }),
  postmarkEvents: route({
    method: 'post',
    path: '/v1/providers/postmark/events',
    tag: 'Providers',
    summary: "Postmark's bounce, spam complaint and delivery webhooks",
    description:
      'Not for hosts. The webhook URL carries the basic-auth credentials POSTMARK_WEBHOOK_USER and ' +
      'POSTMARK_WEBHOOK_PASSWORD (`https://user:password@.../v1/providers/postmark/events`): other credentials, ' +
      'or none, are a 403. Records are matched by the metadata inviteflow sends with each email. ' +
      emailEventsEffect,
    access: 'public',
    body: postmarkRecordSchema,
    signedBody: true,
    answers: { 204: { description: 'Received' } },
    errors: ['forbidden', 'not_found'],
  }),
};
