import { createSign, generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generate } from 'selfsigned';
import { snsStringToSign, type SnsMessage } from '../../domain/sns-message';

/**
 * The email providers' side of their event webhooks, with keys made here:
 * SNS's certificate service and signer, SendGrid's signing key, and the
 * payloads in the shapes the providers document.
 */

export const testTopicArn = 'arn:aws:sns:eu-west-1:123456789012:inviteflow-ses-events';

export interface SnsService {
  /** What SNS_SERVICE_ORIGINS names, so the certificate URL is taken. */
  origin: string;
  certUrl: string;
  /** The SubscribeURL visits, with their query. */
  confirmations: URLSearchParams[];
  /** An SNS message of `type` for the topic, signed with the certificate's key. */
  message(fields: {
    type?: SnsMessage['Type'];
    message: string;
    topicArn?: string;
    version?: '1' | '2';
    messageId?: string;
  }): SnsMessage;
  close(): Promise<void>;
}

export async function startSnsService(): Promise<SnsService> {
  const pems = await generate([{ name: 'commonName', value: 'sns.eu-west-1.amazonaws.com' }], {
    keySize: 2048,
    algorithm: 'sha256',
  });
  const confirmations: URLSearchParams[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://sns.test');
    if (url.pathname === '/SimpleNotificationService-test.pem') {
      res.writeHead(200, { 'content-type': 'application/x-pem-file' }).end(pems.cert);
    } else if (url.pathname === '/' && url.searchParams.get('Action') === 'ConfirmSubscription') {
      confirmations.push(url.searchParams);
      res.writeHead(200, { 'content-type': 'text/xml' }).end('<ConfirmSubscriptionResponse/>');
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const certUrl = `${origin}/SimpleNotificationService-test.pem`;
  return {
    origin,
    certUrl,
    confirmations,
    message({ type = 'Notification', message, topicArn = testTopicArn, version = '2', messageId = randomUUID() }) {
      const unsigned: SnsMessage = {
        Type: type,
        MessageId: messageId,
        TopicArn: topicArn,
        Message: message,
        Timestamp: new Date().toISOString(),
        SignatureVersion: version,
        Signature: '',
        SigningCertURL: certUrl,
        ...(type === 'Notification'
          ? { UnsubscribeURL: `${origin}/?Action=Unsubscribe&SubscriptionArn=${topicArn}:1` }
          : {
              Token: randomUUID().replaceAll('-', ''),
              SubscribeURL: `${origin}/?Action=ConfirmSubscription&TopicArn=${topicArn}&Token=t1`,
            }),
      };
      const signer = createSign(version === '1' ? 'RSA-SHA1' : 'RSA-SHA256');
      signer.update(snsStringToSign(unsigned), 'utf8');
      return { ...unsigned, Signature: signer.sign(pems.private, 'base64') };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** SendGrid's signing key pair: the public half is what SendGrid shows, the private one signs. */
export function sendgridSigner() {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return {
    publicKey: publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
    headers(body: string, timestamp = String(Math.floor(Date.now() / 1000))): Record<string, string> {
      const signature = sign('sha256', Buffer.from(timestamp + body, 'utf8'), privateKey).toString('base64');
      return {
        'x-twilio-email-event-webhook-signature': signature,
        'x-twilio-email-event-webhook-timestamp': timestamp,
      };
    },
  };
}

/** SES's bounce notification, as its documentation shows one with a DSN and the original headers. */
export function sesBounce(messageId: string, bounceType: 'Permanent' | 'Transient' = 'Permanent'): string {
  return JSON.stringify({
    notificationType: 'Bounce',
    bounce: {
      bounceType,
      reportingMTA: 'dns; email.example.com',
      bouncedRecipients: [
        {
          emailAddress: 'jane@example.com',
          status: bounceType === 'Permanent' ? '5.1.1' : '4.2.2',
          action: 'failed',
          diagnosticCode: 'smtp; 550 5.1.1 <jane@example.com>... User',
        },
      ],
      bounceSubType: bounceType === 'Permanent' ? 'General' : 'MailboxFull',
      timestamp: '2016-01-27T14:59:38.237Z',
      feedbackId: '00000138111222aa-33322211-cccc-cccc-cccc-ddddaaaa068a-000000',
      remoteMtaIp: '127.0.2.0',
    },
    mail: sesMail(messageId),
  });
}

export function sesComplaint(messageId: string): string {
  return JSON.stringify({
    notificationType: 'Complaint',
    complaint: {
      userAgent: 'AnyCompany Feedback Loop (V0.01)',
      complainedRecipients: [{ emailAddress: 'richard@example.com' }],
      complaintFeedbackType: 'abuse',
      arrivalDate: '2016-01-27T14:59:38.237Z',
      timestamp: '2016-01-27T14:59:38.237Z',
      feedbackId: '000001378603177f-18c07c78-fa81-4a58-9dd1-fedc3cb8f49a-000000',
    },
    mail: sesMail(messageId),
  });
}

export function sesDelivery(messageId: string): string {
  return JSON.stringify({
    notificationType: 'Delivery',
    mail: sesMail(messageId),
    delivery: {
      timestamp: '2016-01-27T14:59:38.237Z',
      recipients: ['jane@example.com'],
      processingTimeMillis: 546,
      reportingMTA: 'a8-70.smtp-out.amazonses.com',
      smtpResponse: '250 ok:  Message 64111812 accepted',
      remoteMtaIp: '127.0.2.0',
    },
  });
}

function sesMail(messageId: string) {
  return {
    timestamp: '2016-01-27T14:59:38.237Z',
    messageId: '00000138111222aa-33322211-cccc-cccc-cccc-ddddaaaa0680-000000',
    source: 'john@example.com',
    sourceArn: 'arn:aws:ses:us-east-1:888888888888:identity/example.com',
    sourceIp: '127.0.3.0',
    sendingAccountId: '123456789012',
    callerIdentity: 'IAM_user_or_role_name',
    destination: ['jane@example.com'],
    headersTruncated: false,
    headers: [
      { name: 'From', value: '"John Doe" <john@example.com>' },
      { name: 'To', value: '"Jane Doe" <jane@example.com>' },
      { name: 'Message-ID', value: messageId },
      { name: 'Subject', value: 'Hello' },
    ],
    commonHeaders: {
      from: ['John Doe <john@example.com>'],
      date: 'Wed, 27 Jan 2016 14:05:45 +0000',
      to: ['Jane Doe <jane@example.com>'],
      messageId,
      subject: 'Hello',
    },
  };
}

/** SendGrid's documented sample batch, one event of each kind, each about the message `smtpIds` names for it. */
export function sendgridBatch(smtpIds: Partial<Record<'delivered' | 'bounce' | 'blocked' | 'spamreport', string>>) {
  const common = (event: string, smtpId: string) => ({
    email: 'example@test.com',
    timestamp: 1513299569,
    'smtp-id': smtpId,
    event,
    category: 'cat facts',
    sg_event_id: randomUUID(),
    sg_message_id: '14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.0',
  });
  const foreign = '<14c5d75ce93.dfd.64b469@ismtpd-555>';
  return [
    common('processed', smtpIds.delivered ?? foreign),
    { ...common('deferred', foreign), response: '400 try again later', attempt: '5' },
    ...(smtpIds.delivered ? [{ ...common('delivered', smtpIds.delivered), response: '250 OK' }] : []),
    { ...common('open', smtpIds.delivered ?? foreign), useragent: 'Mozilla/4.0', ip: '255.255.255.255' },
    ...(smtpIds.bounce
      ? [{ ...common('bounce', smtpIds.bounce), reason: '500 unknown recipient', status: '5.0.0', type: 'bounce' }]
      : []),
    ...(smtpIds.blocked
      ? [{ ...common('bounce', smtpIds.blocked), reason: '550 blocked for now', status: '4.7.1', type: 'blocked' }]
      : []),
    { ...common('dropped', foreign), reason: 'Bounced Address', status: '5.0.0' },
    ...(smtpIds.spamreport ? [common('spamreport', smtpIds.spamreport)] : []),
    common('unsubscribe', foreign),
  ];
}

const postmarkMetadata = (local: string) => ({ a_key: 'a_value', 'inviteflow-message': local });

/** Postmark's record ids are 64-bit: spliced into the text as they come, past what a JSON number holds exactly. */
const withId = (record: Record<string, unknown>, id: string) => JSON.stringify(record).replace('"ID":0', `"ID":${id}`);

function bounceRecord(local: string, type: string) {
  return {
    RecordType: 'Bounce',
    MessageStream: 'outbound',
    ID: 0,
    Type: type,
    TypeCode: type === 'HardBounce' ? 1 : 4096,
    Name: type === 'HardBounce' ? 'Hard bounce' : 'Soft bounce',
    Tag: 'Test',
    MessageID: '883953f4-6105-42a2-a16a-77a8eac79483',
    Metadata: postmarkMetadata(local),
    ServerID: 23,
    Description: 'The server was unable to deliver your message (ex: unknown user, mailbox not found).',
    Details: 'Test bounce details',
    Email: 'john@example.com',
    From: 'sender@example.com',
    BouncedAt: '2019-11-05T16:33:54.9070259Z',
    DumpAvailable: true,
    Inactive: true,
    CanActivate: true,
    Subject: 'Test subject',
    Content: '<Full dump of bounce>',
  };
}

/** Postmark's documented bounce webhook, of a type (HardBounce, SoftBounce, AutoResponder…), as JSON text. */
export function postmarkBounce(local: string, type = 'HardBounce', id = '4323372036854775807'): string {
  return withId(bounceRecord(local, type), id);
}

export function postmarkSpamComplaint(local: string): string {
  const record = {
    ...bounceRecord(local, 'SpamComplaint'),
    RecordType: 'SpamComplaint',
    TypeCode: 512,
    Name: 'Spam complaint',
    Details: 'Test spam complaint details',
    CanActivate: false,
    Content: '<Abuse report dump>',
  };
  return withId(record, '42');
}

export function postmarkDelivery(local: string): string {
  return JSON.stringify({
    RecordType: 'Delivery',
    ServerID: 23,
    MessageStream: 'outbound',
    MessageID: '00000000-0000-0000-0000-000000000000',
    Recipient: 'john@example.com',
    Tag: 'welcome-email',
    DeliveredAt: '2021-02-21T16:34:52Z',
    Details: 'Test delivery webhook details',
    Metadata: postmarkMetadata(local),
  });
}
