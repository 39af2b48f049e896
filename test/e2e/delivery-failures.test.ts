import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { startTestInviteflow, type TestInviteflow } from '../support/harness';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';

let app: TestInviteflow;
let hooks: WebhookReceiver;
let smtp: SMTPServer;
let webhookSecret: string;

/** A real SMTP server that refuses every recipient for good, quoting the address as real servers do. */
async function refusingSmtp(): Promise<string> {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onRcptTo(address, _session, callback) {
      callback(Object.assign(new Error(`<${address.address}>: mailbox unavailable`), { responseCode: 550 }));
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  return `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  hooks = await startWebhookReceiver();
  app = await startTestInviteflow({}, { smtpUrl: await refusingSmtp() });
  expect((await app.call('PUT', '/v1/workspaces/acme', { name: 'Acme' })).status).toBe(201);
  webhookSecret = (await app.call('POST', '/v1/webhook-endpoints', { url: hooks.url })).body.secret;
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
