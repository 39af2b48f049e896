import {
  postmarkRecordSchema,
  postmarkReport,
  sendgridBatchSchema,
  sendgridReport,
  sesNotificationSchema,
  sesReports,
} from '../../../domain/email-events';
import { suppressedAddressHash, suppressionReason } from '../../../domain/suppression';
import {
  postmarkBounce,
  postmarkDelivery,
  postmarkSpamComplaint,
  sendgridBatch,
  sesBounce,
  sesComplaint,
  sesDelivery,
} from '../../support/email-providers';

const domain = 'acme.example';
const ours = '<inv_a1.2.r1@acme.example>';
const message = { invitationId: 'inv_a1', message: { send: 2, reminder: 1 }, messageId: ours };

const ses = (text: string) => sesReports(sesNotificationSchema.parse(JSON.parse(text)), 'sns-1', domain);

describe('Amazon SES', () => {
  test('a permanent bounce is hard, a transient one soft, each with its status code and not the address', () => {
    expect(ses(sesBounce(ours))).toEqual([
      {
        eventId: 'sns-1',
        ...message,
        delivered: false,
        bounceType: 'hard',
        reason: 'Amazon SES reported a permanent bounce (5.1.1)',
      },
    ]);
    expect(ses(sesBounce(ours, 'Transient'))[0]).toMatchObject({
      bounceType: 'soft',
      reason: expect.stringContaining('(4.2.2)'),
    });
  });

  test('a complaint and a delivery; event publishing names the type eventType', () => {
    expect(ses(sesComplaint(ours))[0]).toMatchObject({ delivered: false, complaint: true });
    expect(ses(sesDelivery(ours))[0]).toMatchObject({ delivered: true });
    const published = JSON.parse(sesDelivery(ours)) as Record<string, unknown>;
    const { notificationType: _type, ...rest } = published;
    expect(ses(JSON.stringify({ ...rest, eventType: 'Delivery' }))[0]).toMatchObject({ delivered: true });
  });

  test('the Message-ID is read from the original headers when commonHeaders lacks it', () => {
    const notification = JSON.parse(sesBounce(ours)) as { mail: Record<string, unknown> };
    delete notification.mail.commonHeaders;
    expect(ses(JSON.stringify(notification))).toHaveLength(1);
  });

  test('mail inviteflow did not send, notifications without headers and other event types give nothing', () => {
    expect(ses(sesBounce('<someone-else@acme.example>'))).toEqual([]);
    const bare = JSON.parse(sesBounce(ours)) as { mail: Record<string, unknown> };
    delete bare.mail.commonHeaders;
    delete bare.mail.headers;
    expect(ses(JSON.stringify(bare))).toEqual([]);
    expect(ses(JSON.stringify({ eventType: 'Open', mail: JSON.parse(sesDelivery(ours)).mail }))).toEqual([]);
  });
});

describe('SendGrid', () => {
  const batch = sendgridBatchSchema.parse(
    sendgridBatch({ delivered: ours, bounce: ours, blocked: ours, spamreport: ours }),
  );
  const reports = batch.map((event) => sendgridReport(event, domain));

  test('of the documented kinds, delivered, bounce (hard or blocked) and spamreport are about the message', () => {
    const found = reports.filter((report) => report !== undefined);
    expect(found.map(({ delivered, bounceType, complaint }) => ({ delivered, bounceType, complaint }))).toEqual([
      { delivered: true, bounceType: undefined, complaint: undefined },
      { delivered: false, bounceType: 'hard', complaint: undefined },
      { delivered: false, bounceType: 'soft', complaint: undefined },
      { delivered: false, bounceType: undefined, complaint: true },
    ]);
    expect(new Set(found.map((report) => report.eventId)).size).toBe(4);
  });

  test('processed, deferred, open and unsubscribe events, and events on foreign mail, give nothing', () => {
    expect(reports.filter((report) => report === undefined)).toHaveLength(batch.length - 4);
  });

  test('a dropped email of ours fails without a bounce type', () => {
    const [dropped] = sendgridBatchSchema.parse([{ event: 'dropped', sg_event_id: 'e1', 'smtp-id': ours }]);
    expect(sendgridReport(dropped!, domain)).toMatchObject({ delivered: false, reason: 'SendGrid dropped the email' });
    expect(sendgridReport(dropped!, domain)?.bounceType).toBeUndefined();
  });
});

describe('Postmark', () => {
  const postmark = (text: string) => postmarkReport(postmarkRecordSchema.parse(JSON.parse(text)), domain);

  test('bounces by type, spam complaints and deliveries, named by the metadata', () => {
    expect(postmark(postmarkBounce('inv_a1.2.r1'))).toMatchObject({ ...message, bounceType: 'hard' });
    expect(postmark(postmarkBounce('inv_a1.2.r1', 'SoftBounce', '7'))).toMatchObject({ bounceType: 'soft' });
    expect(postmark(postmarkSpamComplaint('inv_a1.2.r1'))).toMatchObject({ complaint: true, delivered: false });
    expect(postmark(postmarkDelivery('inv_a1.2.r1'))).toMatchObject({ delivered: true, messageId: ours });
  });

  test('two deliveries of different messages are different events, though Postmark gives them no id', () => {
    expect(postmark(postmarkDelivery('inv_a1.1'))?.eventId).not.toBe(postmark(postmarkDelivery('inv_a1.2'))?.eventId);
  });

  test('auto-replies, records without our metadata and other record types give nothing', () => {
    expect(postmark(postmarkBounce('inv_a1.1', 'AutoResponder'))).toBeUndefined();
    expect(postmark(postmarkBounce('not-ours'))).toBeUndefined();
    expect(
      postmark(JSON.stringify({ RecordType: 'Open', Metadata: { 'inviteflow-message': 'inv_a1.1' } })),
    ).toBeUndefined();
  });
});

describe('suppression', () => {
  test('a hard bounce suppresses as bounced, a complaint as complained, a soft bounce not at all', () => {
    expect(suppressionReason({ bounceType: 'hard' })).toBe('bounced');
    expect(suppressionReason({ complaint: true, bounceType: 'hard' })).toBe('complained');
    expect(suppressionReason({ bounceType: 'soft' })).toBeUndefined();
    expect(suppressionReason({})).toBeUndefined();
  });

  test('the hash is one per address whatever its case, and depends on the secret', () => {
    expect(suppressedAddressHash('s', 'Ana@Example.org ')).toBe(suppressedAddressHash('s', 'ana@example.org'));
    expect(suppressedAddressHash('s', 'ana@example.org')).not.toBe(suppressedAddressHash('t', 'ana@example.org'));
    expect(suppressedAddressHash('s', 'ana@example.org')).not.toContain('ana');
  });
});
