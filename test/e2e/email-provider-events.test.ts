import type { CaughtMail } from '../../embedded/mail-catcher';
import { completedImport, startTestInviteflow, type TestInviteflow } from '../support/harness';
import { invite, type Invited } from '../support/invite';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';
import { addWebhookEndpoint } from '../support/webhook-endpoint';
import {
  postmarkBounce,
  postmarkDelivery,
  postmarkSpamComplaint,
  sendgridBatch,
  sendgridSigner,
  sesBounce,
  sesComplaint,
  sesDelivery,
  startSnsService,
  testTopicArn,
  type SnsService,
} from '../support/email-providers';

let app: TestInviteflow;
let hooks: WebhookReceiver;
let sns: SnsService;
let webhookSecret: string;
const sendgrid = sendgridSigner();
const postmark = { user: 'postmark-hooks', password: 'a-long-postmark-webhook-password' };

beforeAll(async () => {
  sns = await startSnsService();
  hooks = await startWebhookReceiver();
  app = await startTestInviteflow({
    SES_SNS_TOPIC_ARNS: testTopicArn,
    SNS_SERVICE_ORIGINS: sns.origin,
    SENDGRID_WEBHOOK_PUBLIC_KEY: sendgrid.publicKey,
    POSTMARK_WEBHOOK_USER: postmark.user,
    POSTMARK_WEBHOOK_PASSWORD: postmark.password,
  });
  const settings = { channels: ['email'], fallback: { email: 'sms' } };
  expect((await app.call('PUT', '/v1/workspaces/mail', { name: 'Mail', settings })).status).toBe(201);
  ({ secret: webhookSecret } = await addWebhookEndpoint(app, hooks));
});

afterAll(async () => {
  await app?.stop();
  await hooks?.close();
  await sns?.close();
});

let phones = 0;
/** An email invitation whose invitee also has a phone (the fallback), with the email it sent. */
async function invitedByEmail(email: string): Promise<{ invitation: Invited; mail: CaughtMail; phone: string }> {
  phones += 1;
  const phone = `+3461200${String(phones).padStart(4, '0')}`;
  const invitation = await invite(app, { workspace: 'mail', invitee: { email, phone, phoneConsent: true } });
  const mail = await app.catcher.waitFor((caught) => caught.to.includes(email));
  return { invitation, mail, phone };
}

async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const response = await fetch(`${app.apiUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: text,
  });
  const answer = await response.text();
  return { status: response.status, body: answer ? JSON.parse(answer) : undefined };
}

/** SNS posts its messages as text/plain. */
const postSns = (message: unknown) => post('/v1/providers/ses/events', message, { 'content-type': 'text/plain' });

const basic = (user: string, password: string) => ({
  authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
});
const postPostmark = (record: string, credentials: Record<string, string> = basic(postmark.user, postmark.password)) =>
  post('/v1/providers/postmark/events', record, credentials);

async function eventsOf(id: string): Promise<Record<string, unknown>[]> {
  return (await app.call('GET', `/v1/workspaces/mail/invitations/${id}`)).body.events as Record<string, unknown>[];
}

async function lastEventOf(id: string, type: string): Promise<Record<string, unknown>> {
  for (let tries = 0; tries < 100; tries += 1) {
    const event = [...(await eventsOf(id))].reverse().find((candidate) => candidate.type === type);
    if (event) return event;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no ${type} event on ${id}`);
}

const smsTo = (phone: string) => app.sms.messages().filter((sms) => sms.to === phone);

test('SES: a permanent bounce signed by SNS fails the email hard, sends the SMS fallback, suppresses the address, and a repeat counts once', async () => {
  const { invitation, mail, phone } = await invitedByEmail('gone@example.org');
  const message = sns.message({ message: sesBounce(mail.messageId!) });
  expect((await postSns(message)).status).toBe(204);

  const failed = await hooks.invitationEvent(webhookSecret, invitation.id, 'invitation.delivery_failed');
  expect(failed.data).toMatchObject({ bounceType: 'hard' });
  expect(failed.data.invitation.status).toBe('pending');
  expect(await lastEventOf(invitation.id, 'delivery_failed')).toMatchObject({
    detail: 'email: Amazon SES reported a permanent bounce (5.1.1)',
    messageId: mail.messageId,
    bounceType: 'hard',
  });
  // The fallback SMS, whose own delivery report comes after it.
  const sms = await app.sms.waitFor((caught) => caught.to === phone);
  expect(await lastEventOf(invitation.id, 'delivered')).toMatchObject({ detail: 'sms', messageId: sms.sid });

  // SNS delivers at least once: the same message again records nothing and sends nothing.
  const seen = (await eventsOf(invitation.id)).length;
  expect((await postSns(message)).status).toBe(204);
  expect(await eventsOf(invitation.id)).toHaveLength(seen);
  expect(smsTo(phone)).toHaveLength(1);
  expect(
    hooks.ofType('invitation.delivery_failed').filter((hook: any) => hook.data.invitation.id === invitation.id),
  ).toHaveLength(1);

  // Suppressed in the workspace, whatever the case; `force` invites it all the same.
  await app.call('POST', `/v1/workspaces/mail/invitations/${invitation.id}/revoke`, {});
  const again = await app.call('POST', '/v1/workspaces/mail/invitations', {
    invitee: { email: 'Gone@Example.ORG' },
    inviter: { userId: 'u-admin', roles: ['admin'] },
  });
  expect(again.status).toBe(422);
  expect(again.body).toMatchObject({ code: 'address_suppressed', errors: [{ field: '/invitee/email' }] });
  const forced = await app.call('POST', '/v1/workspaces/mail/invitations', {
    invitee: { email: 'gone@example.org' },
    inviter: { userId: 'u-admin', roles: ['admin'] },
    force: true,
  });
  expect(forced.status).toBe(201);

  // An import's row to it fails on its own; the rest go.
  await app.call('POST', `/v1/workspaces/mail/invitations/${forced.body.id}/revoke`, {});
  const bulk = await app.call('POST', '/v1/workspaces/mail/invitations/bulk', {
    entries: [{ email: 'gone@example.org' }, { email: 'fresh@example.org' }],
    inviter: { userId: 'u-admin', roles: ['admin'] },
    send: false,
  });
  expect(bulk.status).toBe(202);
  const report = await completedImport(app, 'mail', bulk.body.id);
  expect(report.rows.map((row: { outcome: string; code: string | null }) => [row.outcome, row.code])).toEqual([
    ['failed', 'address_suppressed'],
    ['sent', null],
  ]);
});

test('SES: a complaint suppresses without a fallback, a transient bounce is soft and suppresses nothing, a delivery is recorded', async () => {
  const complained = await invitedByEmail('spam-clicker@example.org');
  const transient = await invitedByEmail('full-mailbox@example.org');
  const delivered = await invitedByEmail('happy@example.org');
  for (const message of [
    sesComplaint(complained.mail.messageId!),
    sesBounce(transient.mail.messageId!, 'Transient'),
    sesDelivery(delivered.mail.messageId!),
  ]) {
    // Version 1 signatures (SHA-1) are still what many topics use.
    expect((await postSns(sns.message({ message, version: '1' }))).status).toBe(204);
  }

  expect(await lastEventOf(complained.invitation.id, 'delivery_failed')).toMatchObject({
    detail: 'email: Amazon SES reported a complaint',
    complaint: true,
  });
  expect(await lastEventOf(transient.invitation.id, 'delivery_failed')).toMatchObject({
    detail: 'email: Amazon SES reported a transient bounce (4.2.2)',
    bounceType: 'soft',
  });
  expect(await lastEventOf(delivered.invitation.id, 'delivered')).toMatchObject({
    detail: 'email',
    messageId: delivered.mail.messageId,
  });
  const complaintHook = await hooks.invitationEvent(
    webhookSecret,
    complained.invitation.id,
    'invitation.delivery_failed',
  );
  expect(complaintHook.data).toMatchObject({ complaint: true });
  expect(smsTo(complained.phone)).toHaveLength(0);
  expect(smsTo(transient.phone)).toHaveLength(0);

  const reinvite = (email: string) =>
    app.call('POST', '/v1/workspaces/mail/invitations', {
      invitee: { email },
      inviter: { userId: 'u-admin', roles: ['admin'] },
    });
  await app.call('POST', `/v1/workspaces/mail/invitations/${complained.invitation.id}/revoke`, {});
  await app.call('POST', `/v1/workspaces/mail/invitations/${transient.invitation.id}/revoke`, {});
  expect((await reinvite('spam-clicker@example.org')).body.code).toBe('address_suppressed');
  expect((await reinvite('full-mailbox@example.org')).status).toBe(201);
  // Suppression is the workspace's own: another workspace still invites the address.
  expect((await app.call('PUT', '/v1/workspaces/other', { name: 'Other' })).status).toBe(201);
  const elsewhere = await app.call('POST', '/v1/workspaces/other/invitations', {
    invitee: { email: 'spam-clicker@example.org' },
    inviter: { userId: 'u-admin', roles: ['admin'] },
  });
  expect(elsewhere.status).toBe(201);
});

test('SNS: a forged signature, a topic not configured or a certificate off SNS is a 403 that records nothing; a subscription is confirmed', async () => {
  const { invitation, mail } = await invitedByEmail('forged@example.org');
  const genuine = sns.message({ message: sesBounce(mail.messageId!) });
  const refusals = [
    { ...genuine, Message: sesDelivery(mail.messageId!) },
    { ...genuine, Signature: Buffer.from('not a signature').toString('base64') },
    sns.message({ message: sesBounce(mail.messageId!), topicArn: 'arn:aws:sns:eu-west-1:999999999999:someone-else' }),
    { ...genuine, SigningCertURL: 'https://attacker.example/SimpleNotificationService-test.pem' },
  ];
  for (const forged of refusals) {
    const answer = await postSns(forged);
    expect(answer.status).toBe(403);
    expect(answer.body.code).toBe('forbidden');
  }
  expect((await eventsOf(invitation.id)).map((event) => event.type)).toEqual(['created', 'sent']);

  const confirmation = sns.message({ type: 'SubscriptionConfirmation', message: 'You have chosen to subscribe' });
  expect((await postSns(confirmation)).status).toBe(204);
  expect(sns.confirmations.map((query) => query.get('TopicArn'))).toEqual([testTopicArn]);

  expect((await postSns('{"Type": "Notification"')).status).toBe(400);
  expect((await postSns({ ...genuine, SignatureVersion: '3' })).status).toBe(422);
});

test('SendGrid: a signed batch records deliveries, bounces, blocks and spam reports on their invitations; a repeat counts once', async () => {
  const delivered = await invitedByEmail('sg-delivered@example.org');
  const bounced = await invitedByEmail('sg-bounced@example.org');
  const blocked = await invitedByEmail('sg-blocked@example.org');
  const reported = await invitedByEmail('sg-spam@example.org');
  const batch = JSON.stringify(
    sendgridBatch({
      delivered: delivered.mail.messageId!,
      bounce: bounced.mail.messageId!,
      blocked: blocked.mail.messageId!,
      spamreport: reported.mail.messageId!,
    }),
  );
  expect((await post('/v1/providers/sendgrid/events', batch, sendgrid.headers(batch))).status).toBe(204);

  expect(await lastEventOf(delivered.invitation.id, 'delivered')).toMatchObject({ detail: 'email' });
  expect(await lastEventOf(bounced.invitation.id, 'delivery_failed')).toMatchObject({
    detail: 'email: SendGrid reported a bounce (5.0.0)',
    bounceType: 'hard',
  });
  expect(await lastEventOf(blocked.invitation.id, 'delivery_failed')).toMatchObject({
    detail: 'email: SendGrid reported a block (4.7.1)',
    bounceType: 'soft',
  });
  expect(await lastEventOf(reported.invitation.id, 'delivery_failed')).toMatchObject({ complaint: true });
  const sms = await app.sms.waitFor((caught) => caught.to === bounced.phone);
  expect(await lastEventOf(bounced.invitation.id, 'delivered')).toMatchObject({ messageId: sms.sid });

  const counts = await Promise.all(
    [delivered, bounced, blocked, reported].map(async (one) => (await eventsOf(one.invitation.id)).length),
  );
  // SendGrid retries a batch it did not hear back on, with a fresh signature.
  expect((await post('/v1/providers/sendgrid/events', batch, sendgrid.headers(batch))).status).toBe(204);
  expect(
    await Promise.all(
      [delivered, bounced, blocked, reported].map(async (one) => (await eventsOf(one.invitation.id)).length),
    ),
  ).toEqual(counts);
  expect(smsTo(bounced.phone)).toHaveLength(1);
  expect(smsTo(blocked.phone)).toHaveLength(0);
});

test('SendGrid: a missing, forged or stale signature, or a body changed after signing, is a 403 that records nothing', async () => {
  const { invitation, mail } = await invitedByEmail('sg-forged@example.org');
  const batch = JSON.stringify(sendgridBatch({ bounce: mail.messageId! }));
  const signed = sendgrid.headers(batch);
  const otherKey = sendgridSigner().headers(batch);
  const changed = batch.replace('5.0.0', '5.1.1');
  for (const [body, headers] of [
    [batch, {}],
    [batch, otherKey],
    [batch, { ...signed, 'x-twilio-email-event-webhook-timestamp': '1' }],
    [changed, signed],
  ] as const) {
    const answer = await post('/v1/providers/sendgrid/events', body, headers);
    expect(answer.status).toBe(403);
  }
  expect((await eventsOf(invitation.id)).map((event) => event.type)).toEqual(['created', 'sent']);
});

test('Postmark: bounces, spam complaints and deliveries are matched by the metadata each email carries', async () => {
  const bounced = await invitedByEmail('pm-bounced@example.org');
  const complained = await invitedByEmail('pm-spam@example.org');
  const delivered = await invitedByEmail('pm-delivered@example.org');
  const soft = await invitedByEmail('pm-soft@example.org');
  const local = (mail: CaughtMail) => mail.headers['x-pm-metadata-inviteflow-message']!;
  expect(local(bounced.mail)).toBe(`${bounced.invitation.id}.1`);

  expect((await postPostmark(postmarkBounce(local(bounced.mail)))).status).toBe(204);
  expect((await postPostmark(postmarkSpamComplaint(local(complained.mail)))).status).toBe(204);
  expect((await postPostmark(postmarkDelivery(local(delivered.mail)))).status).toBe(204);
  expect((await postPostmark(postmarkBounce(local(soft.mail), 'SoftBounce', '7'))).status).toBe(204);
  // An auto-reply comes as a bounce and says nothing of delivery.
  expect((await postPostmark(postmarkBounce(local(delivered.mail), 'AutoResponder', '8'))).status).toBe(204);

  expect(await lastEventOf(bounced.invitation.id, 'delivery_failed')).toMatchObject({
    detail: 'email: Postmark reported a bounce of type HardBounce',
    messageId: bounced.mail.messageId,
    bounceType: 'hard',
  });
  expect(await lastEventOf(complained.invitation.id, 'delivery_failed')).toMatchObject({ complaint: true });
  expect(await lastEventOf(soft.invitation.id, 'delivery_failed')).toMatchObject({ bounceType: 'soft' });
  expect((await eventsOf(delivered.invitation.id)).map((event) => event.type)).toEqual([
    'created',
    'sent',
    'delivered',
  ]);
  const sms = await app.sms.waitFor((caught) => caught.to === bounced.phone);
  expect(await lastEventOf(bounced.invitation.id, 'delivered')).toMatchObject({ messageId: sms.sid });

  const seen = (await eventsOf(bounced.invitation.id)).length;
  expect((await postPostmark(postmarkBounce(local(bounced.mail)))).status).toBe(204);
  expect(await eventsOf(bounced.invitation.id)).toHaveLength(seen);
  expect(smsTo(bounced.phone)).toHaveLength(1);
});

test('Postmark: other credentials, or none, are a 403 that records nothing', async () => {
  const { invitation, mail } = await invitedByEmail('pm-forged@example.org');
  const record = postmarkBounce(mail.headers['x-pm-metadata-inviteflow-message']!);
  for (const credentials of [
    {},
    basic(postmark.user, 'a-guessed-password-of-length'),
    basic('someone', postmark.password),
  ]) {
    expect((await postPostmark(record, credentials)).status).toBe(403);
  }
  expect((await eventsOf(invitation.id)).map((event) => event.type)).toEqual(['created', 'sent']);
});
