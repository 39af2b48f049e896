import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { completedImport, startTestInviteflow, type TestInviteflow } from '../support/harness';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';
import { addWebhookEndpoint } from '../support/webhook-endpoint';

let app: TestInviteflow;
let hooks: WebhookReceiver;
let smtp: SMTPServer;
let webhookSecret: string;
/** Message-IDs of the emails the SMTP server took, as many times as it took them. */
const accepted: string[] = [];
const refusedOnce = new Set<string>();

/**
 * A real SMTP server with moods by recipient: `bounce…` is refused for good
 * (quoting the address, as real servers do), `flaky…` is told to come back
 * later the first time, everyone else is taken.
 */
async function moodySmtp(): Promise<string> {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onRcptTo({ address }, _session, callback) {
      if (address.startsWith('bounce')) {
        callback(Object.assign(new Error(`<${address}>: mailbox unavailable`), { responseCode: 550 }));
      } else if (address.startsWith('flaky') && !refusedOnce.has(address)) {
        refusedOnce.add(address);
        callback(Object.assign(new Error('try again later'), { responseCode: 451 }));
      } else {
        callback();
      }
    },
    onData(stream, _session, callback) {
      simpleParser(stream).then(
        (mail) => {
          accepted.push(mail.messageId ?? '');
          callback();
        },
        (error: Error) => callback(error),
      );
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  return `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  hooks = await startWebhookReceiver();
  app = await startTestInviteflow({}, { smtpUrl: await moodySmtp() });
  expect((await app.call('PUT', '/v1/workspaces/acme', { name: 'Acme' })).status).toBe(201);
  ({ secret: webhookSecret } = await addWebhookEndpoint(app, hooks));
});

afterAll(async () => {
  await app?.stop();
  await hooks?.close();
  await new Promise<void>((resolve) => smtp?.close(() => resolve()));
});

test('a permanent SMTP refusal is in the history and a webhook; the invitation stays pending', async () => {
  const created = await app.call('POST', '/v1/workspaces/acme/invitations', {
    invitee: { email: 'bounce@example.org' },
    inviter: { userId: 'u-admin', roles: ['admin'] },
  });
  expect(created.status).toBe(201);

  const failed = await hooks.invitationEvent(webhookSecret, created.body.id, 'invitation.delivery_failed');
  expect(failed.data.invitation.status).toBe('pending');

  const detail = await app.call('GET', `/v1/workspaces/acme/invitations/${created.body.id}`);
  expect(detail.body.status).toBe('pending');
  expect(detail.body.events.map((event: { type: string }) => event.type)).toEqual([
    'created',
    'sent',
    'delivery_failed',
  ]);
  const failure = detail.body.events[2];
  expect(failure).toMatchObject({ by: null, detail: 'email: SMTP refused the invitation email with reply 550' });
  expect(JSON.stringify(failure)).not.toContain('bounce@');
});

test('an imported row refused for good is recorded on its invitation as a create is, and the import completes', async () => {
  const started = await app.call('POST', '/v1/workspaces/acme/invitations/bulk', {
    emails: 'bounce-import@example.org',
    roles: ['member'],
    inviter: { userId: 'u-admin', roles: ['admin'] },
  });
  expect(started.status).toBe(202);
  const bulk = await completedImport(app, 'acme', started.body.id);
  // The row counts as sent: the refusal is the invitation's, recorded on it, and it can be resent.
  expect(bulk).toMatchObject({ status: 'completed', sent: 1, failed: 0 });
  const [row] = bulk.rows;
  const failed = await hooks.invitationEvent(webhookSecret, row.invitationId, 'invitation.delivery_failed');
  expect(failed.data.invitation.status).toBe('pending');
  const detail = await app.call('GET', `/v1/workspaces/acme/invitations/${row.invitationId}`);
  expect(detail.body.events.map((event: { type: string }) => event.type)).toEqual([
    'created',
    'sent',
    'delivery_failed',
  ]);
  expect(detail.body.events[2]).toMatchObject({
    by: null,
    detail: 'email: SMTP refused the invitation email with reply 550',
  });
});

test('a temporary SMTP refusal is retried with backoff until the email is taken, once, under its Message-ID', async () => {
  const created = await app.call('POST', '/v1/workspaces/acme/invitations', {
    invitee: { email: 'flaky@example.org' },
    inviter: { userId: 'u-admin', roles: ['admin'] },
  });
  const messageId = `<${created.body.id}.1@inviteflow.local>`;

  for (let waited = 0; !accepted.includes(messageId) && waited < 30_000; waited += 250) {
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  expect(refusedOnce.has('flaky@example.org')).toBe(true);
  expect(accepted.filter((id) => id === messageId)).toHaveLength(1);
  const detail = await app.call('GET', `/v1/workspaces/acme/invitations/${created.body.id}`);
  expect(detail.body.events.map((event: { type: string }) => event.type)).toEqual(['created', 'sent']);
});

test('with the workspace falling back from email to SMS, a refused email goes out as an SMS', async () => {
  const settings = { fallback: { email: 'sms' } };
  expect((await app.call('PUT', '/v1/workspaces/fallback', { name: 'Fallback', settings })).status).toBe(201);
  const created = await app.call('POST', '/v1/workspaces/fallback/invitations', {
    invitee: { email: 'bounce-too@example.org', phone: '+33612345678', phoneConsent: true },
    inviter: { userId: 'u-admin', roles: ['admin'], name: 'Ada' },
    channels: ['email'],
  });
  expect(created.status).toBe(201);

  const sms = await app.sms.waitFor((message) => message.statusCallback?.includes(created.body.id) === true);
  const link = await app.call('GET', `/v1/workspaces/fallback/invitations/${created.body.id}/link`);
  expect(sms.body).toBe(`Ada invited you to join Fallback. Accept: ${link.body.url}`);
  await hooks.invitationEvent(webhookSecret, created.body.id, 'invitation.delivered');
});

test("an email provider's event webhook that is not configured is a 404, whatever it is sent", async () => {
  for (const provider of ['ses', 'sendgrid', 'postmark']) {
    const response = await fetch(`${app.apiUrl}/v1/providers/${provider}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '[]',
    });
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
  }
});
