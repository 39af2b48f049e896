import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient';
import type { TwilioSettings } from '../config/config';

/** The one Twilio call inviteflow makes, so activities can be given another sender. */
export interface SmsSender {
  send(message: { to: string; body: string; statusCallback: string }): Promise<{ sid: string }>;
}

/**
 * The SDK's own HTTP client, sending to `TWILIO_API_URL` instead of Twilio's
 * hosts: a Twilio-compatible gateway, or the local catcher of `inviteflow start` and the tests.
 */
class RebasedRequestClient extends twilio.RequestClient {
  constructor(private readonly base: URL) {
    super({ timeout: 15_000 });
  }

  override request<TData>(opts: RequestClient.RequestOptions<TData>) {
    const uri = new URL(opts.uri);
    const rebased = new URL(`${this.base.pathname.replace(/\/$/, '')}${uri.pathname}${uri.search}`, this.base);
    return super.request<TData>({ ...opts, uri: rebased.href });
  }
}

export function createTwilioSender(settings: TwilioSettings): SmsSender {
  const httpClient = settings.apiUrl ? new RebasedRequestClient(new URL(settings.apiUrl)) : undefined;
  const client = twilio(settings.accountSid, settings.authToken, { httpClient });
  // A Messaging Service SID picks the sender from the service's pool; anything else is a number or alphanumeric sender.
  const sender = settings.from.startsWith('MG') ? { messagingServiceSid: settings.from } : { from: settings.from };
  return {
    async send({ to, body, statusCallback }) {
      const message = await client.messages.create({ to, body, statusCallback, ...sender });
      return { sid: message.sid };
    },
  };
}
