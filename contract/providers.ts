import { twilioCallbackQuerySchema, twilioStatusSchema } from '../domain/delivery-reports';
import { route } from './route';

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
};
