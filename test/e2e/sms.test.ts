import twilio from 'twilio';
import { smsSegments } from '../../domain/sms';
import { startTestInviteflow, type TestInviteflow } from '../support/harness';
import { invite } from '../support/invite';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';
import { addWebhookEndpoint } from '../support/webhook-endpoint';

let app: TestInviteflow;
let hooks: WebhookReceiver;
let webhookSecret: string;

const admin = { userId: 'u-admin', roles: ['admin'], name: 'Marta' };
const unreachable = '+34699000111';

beforeAll(async () => {
  hooks = await startWebhookReceiver();
  app = await startTestInviteflow();
  app.sms.setOutcome((to) => (to === unreachable ? 'undelivered' : 'delivered'));
  const settings = {
    channels: ['sms'],
    fallback: { sms: 'email' },
    locale: 'es',
    app: { name: 'Ommnio', url: 'https://get.ommnio.example/app' },
  };
  expect((await app.call('PUT', '/v1/workspaces/plant', { name: 'Planta Norte', settings })).status).toBe(201);
  ({ secret: webhookSecret } = await addWebhookEndpoint(app, hooks));
});

afterAll(async () => {
  await app?.stop();
  await hooks?.close();
});

const invited = (invitee: Record<string, string>, body: Record<string, unknown> = {}) =>
  invite(app, { workspace: 'plant', invitee: { ...invitee, phoneConsent: true }, body: { inviter: admin, ...body } });

async function linkOf(id: string): Promise<string> {
  return (await app.call('GET', `/v1/workspaces/plant/invitations/${id}/link`)).body.url as string;
}

/** A status callback as Twilio would send it, signed with the account's token unless told otherwise. */
async function twilioCallback(path: string, params: Record<string, string>, signature?: string) {
  const url = `${app.apiUrl.replace('127.0.0.1', 'localhost')}${path}`;
  const signed = signature ?? twilio.getExpectedTwilioSignature(app.sms.authToken, url, params);
  return fetch(`${app.apiUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signed },
    body: new URLSearchParams(params),
  });
}

test('an SMS goes through the Twilio SDK with the link, in the workspace language, and its delivery is recorded', async () => {
  const { id, channels } = await invited({ phone: '+34 612 34 56 78', name: 'Lucía' });
  expect(channels).toEqual(['sms']);

  const sms = await app.sms.waitFor((message) => message.statusCallback?.includes(id) === true);
  expect(sms.to).toBe('+34612345678');
  expect(sms.from).toBe('+15005550006');
  expect(sms.body).toBe(
    `Marta te ha invitado a unirte a Planta Norte. Acepta: ${await linkOf(id)} Descarga Ommnio: https://get.ommnio.example/app`,
  );
  expect(smsSegments(sms.body)).toBeLessThanOrEqual(2);

  const delivered = await hooks.invitationEvent(webhookSecret, id, 'invitation.delivered');
  expect(delivered.data.invitation.status).toBe('pending');
  const detail = await app.call('GET', `/v1/workspaces/plant/invitations/${id}`);
  expect(detail.body.events.at(-1)).toMatchObject({ type: 'delivered', detail: 'sms', messageId: sms.sid });
  // Twilio's `sent` callback was answered too, and changed nothing. The catcher notes an answer once it has it,
  // which can be after the webhook the `delivered` callback caused has arrived.
  const answeredFor = () => app.sms.callbacks().filter((attempt) => attempt.messageSid === sms.sid);
  for (let attempt = 0; attempt < 50 && answeredFor().length < 2; attempt += 1) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const answered = answeredFor();
  expect(answered.map((attempt) => [attempt.status, attempt.responseStatus])).toEqual([
    ['sent', 204],
    ['delivered', 204],
  ]);
});

test('an undelivered SMS is recorded with Twilio’s code and falls back to email with the same link', async () => {
  const { id } = await invited({ phone: unreachable, email: 'pau@example.org' }, { channels: ['sms'] });

  const failed = await hooks.invitationEvent(webhookSecret, id, 'invitation.delivery_failed');
  expect(failed.data.invitation.status).toBe('pending');
  const mail = await app.catcher.waitFor((message) => message.to.includes('pau@example.org'));
  expect(mail.text).toContain(await linkOf(id));

  const detail = await app.call('GET', `/v1/workspaces/plant/invitations/${id}`);
  expect(detail.body.events.map((event: { type: string }) => event.type)).toEqual([
    'created',
    'sent',
    'delivery_failed',
  ]);
  expect(detail.body.events[2].detail).toBe('sms: Twilio reported the SMS undelivered (error 30003)');
});

test('a phone-only invitee of an email-only workspace gets no email attempt: the link is theirs to share', async () => {
  expect((await app.call('PUT', '/v1/workspaces/mail-only', { name: 'Mail only' })).status).toBe(201);
  const created = await invite(app, {
    workspace: 'mail-only',
    invitee: { phone: '+33612345678', phoneConsent: true },
    body: { inviter: admin },
  });
  expect(created.channels).toEqual([]);
});

test('an invalid phone number is a 422 naming the field', async () => {
  const created = await app.call('POST', '/v1/workspaces/plant/invitations', {
    invitee: { phone: '+34 12', phoneConsent: true },
    inviter: admin,
  });
  expect(created.status).toBe(422);
  expect(created.body.errors).toEqual([
    { field: '/invitee/phone', message: 'must be a valid international phone number, e.g. +33612345678' },
  ]);
});

describe('the status callback', () => {
  let id: string;
  let path: string;
  const MessageSid = `SM${'7e'.repeat(16)}`;

  beforeAll(async () => {
    ({ id } = await invited({ phone: '+34611111111' }));
    await app.sms.waitFor((message) => message.statusCallback?.includes(id) === true);
    path = `/v1/providers/twilio/status?invitation=${id}&send=1&reminder=0`;
  });

  test('refuses a missing or wrong X-Twilio-Signature with 403', async () => {
    const params = { MessageSid, MessageStatus: 'delivered' };
    const forged = await twilioCallback(
      path,
      params,
      twilio.getExpectedTwilioSignature('not-the-token', `${app.apiUrl}${path}`, params),
    );
    expect(forged.status).toBe(403);
    expect(((await forged.json()) as { code: string }).code).toBe('forbidden');

    const unsigned = await fetch(`${app.apiUrl}${path}`, { method: 'POST', body: new URLSearchParams(params) });
    expect(unsigned.status).toBe(403);
  });

  test('names the field Twilio got wrong, after checking the signature', async () => {
    const answer = await twilioCallback(path, { MessageSid: 'SM-nope', MessageStatus: 'delivered' });
    expect(answer.status).toBe(422);
    expect(((await answer.json()) as { errors: { field: string }[] }).errors[0]!.field).toBe('/MessageSid');
  });

  test('is idempotent on MessageSid and status: a repeated report is recorded once', async () => {
    const report = { MessageSid, MessageStatus: 'undelivered', ErrorCode: '30005' };
    const answers = await Promise.all([twilioCallback(path, report), twilioCallback(path, report)]);
    expect(answers.map((answer) => answer.status)).toEqual([204, 204]);
    expect((await twilioCallback(path, report)).status).toBe(204);

    const detail = await app.call('GET', `/v1/workspaces/plant/invitations/${id}`);
    const reports = detail.body.events.filter((event: { messageId?: string }) => event.messageId === MessageSid);
    expect(reports).toEqual([
      expect.objectContaining({
        type: 'delivery_failed',
        detail: 'sms: Twilio reported the SMS undelivered (error 30005)',
      }),
    ]);
  });
});

test('without Twilio configured, an SMS invitation is refused with 422 naming channels', async () => {
  const noSms = await startTestInviteflow({}, { sms: false, worker: false });
  try {
    expect((await noSms.call('PUT', '/v1/workspaces/acme', { name: 'Acme' })).status).toBe(201);
    const created = await noSms.call('POST', '/v1/workspaces/acme/invitations', {
      invitee: { phone: '+33612345678', phoneConsent: true },
      inviter: admin,
      channels: ['sms'],
    });
    expect(created.status).toBe(422);
    expect(created.body.code).toBe('channel_unavailable');
    expect(created.body.errors[0].field).toBe('/channels');
  } finally {
    await noSms.stop();
  }
});
