import { z } from 'zod';
import type { BounceType, MessageRef } from './invitation';
import { parseMessageId, parseMessageLocalPart } from './message-id';

/**
 * Email providers' event webhooks (Amazon SES through SNS, SendGrid,
 * Postmark), read down to what they say about one invitation message: it
 * arrived, it bounced (hard or soft), or its recipient complained. Only the
 * fields that matter are declared; providers send many more, and add some.
 */

/** What one provider event says of one invitation message. */
export interface EmailReport {
  /** The provider's id of the event: the same event repeated is recognised by it. */
  eventId: string;
  invitationId: string;
  message: MessageRef;
  /** The Message-ID the history records, the same for every report on the message. */
  messageId: string;
  delivered: boolean;
  bounceType?: BounceType;
  complaint?: boolean;
  /** What went wrong, in the provider's terms and status codes, never the address or the server's text. */
  reason?: string;
}

/** The header a Postmark metadata field arrives from: Postmark reports its own message ids, not the Message-ID. */
export const postmarkMessageHeader = 'X-PM-Metadata-inviteflow-message';
const postmarkMetadataKey = 'inviteflow-message';

/** An enhanced status code (RFC 3463) names what failed without quoting anyone. */
function statusSuffix(status: string | undefined): string {
  return status && /^[245]\.\d{1,3}\.\d{1,3}$/.test(status) ? ` (${status})` : '';
}

const text = (max: number) => z.string().max(max);

// Amazon SES, whose notification is the SNS message's `Message`.
const sesHeaders = z.array(z.looseObject({ name: text(200), value: text(2000) })).max(500);
export const sesNotificationSchema = z.looseObject({
  notificationType: text(64).optional(),
  eventType: text(64).optional(),
  mail: z.looseObject({
    commonHeaders: z.looseObject({ messageId: text(998).optional() }).optional(),
    headers: sesHeaders.optional(),
  }),
  bounce: z
    .looseObject({
      bounceType: text(64),
      feedbackId: text(200).optional(),
      bouncedRecipients: z
        .array(z.looseObject({ status: text(32).optional() }))
        .max(100)
        .optional(),
    })
    .optional(),
  complaint: z.looseObject({ feedbackId: text(200).optional() }).optional(),
});

/** The original Message-ID SES was given: in `commonHeaders`, or among the original headers when they are included. */
function sesMessageId(mail: z.infer<typeof sesNotificationSchema>['mail']): string | undefined {
  return (
    mail.commonHeaders?.messageId ?? mail.headers?.find((header) => header.name.toLowerCase() === 'message-id')?.value
  );
}

/** One SES notification (a bounce, complaint or delivery); `eventId` is the SNS message's id. */
export function sesReports(
  notification: z.infer<typeof sesNotificationSchema>,
  eventId: string,
  domain: string,
): EmailReport[] {
  const messageId = sesMessageId(notification.mail);
  const found = messageId && parseMessageId(messageId, domain);
  if (!found) return [];
  const base = { eventId, ...found, messageId: messageId.trim() };
  switch (notification.notificationType ?? notification.eventType) {
    case 'Delivery':
      return [{ ...base, delivered: true }];
    case 'Bounce': {
      const permanent = notification.bounce?.bounceType === 'Permanent';
      const status = notification.bounce?.bouncedRecipients?.[0]?.status;
      return [
        {
          ...base,
          delivered: false,
          bounceType: permanent ? 'hard' : 'soft',
          reason: `Amazon SES reported a ${permanent ? 'permanent' : 'transient'} bounce${statusSuffix(status)}`,
        },
      ];
    }
    case 'Complaint':
      return [{ ...base, delivered: false, complaint: true, reason: 'Amazon SES reported a complaint' }];
    default:
      return [];
  }
}

// SendGrid's Event Webhook: a batch of events.
export const sendgridEventSchema = z.looseObject({
  event: text(64),
  sg_event_id: text(200),
  'smtp-id': text(998).optional(),
  type: text(64).optional(),
  status: text(32).optional(),
});
export const sendgridBatchSchema = z.array(sendgridEventSchema).min(1).max(10_000);

export function sendgridReport(event: z.infer<typeof sendgridEventSchema>, domain: string): EmailReport | undefined {
  const messageId = event['smtp-id'];
  const found = messageId && parseMessageId(messageId, domain);
  if (!found) return undefined;
  const base = { eventId: event.sg_event_id, ...found, messageId: messageId.trim() };
  switch (event.event) {
    case 'delivered':
      return { ...base, delivered: true };
    case 'bounce': {
      // `blocked` is the receiving server turning the sender away for now, not the address being wrong.
      const hard = event.type !== 'blocked';
      const what = hard ? 'a bounce' : 'a block';
      return {
        ...base,
        delivered: false,
        bounceType: hard ? 'hard' : 'soft',
        reason: `SendGrid reported ${what}${statusSuffix(event.status)}`,
      };
    }
    case 'dropped':
      return { ...base, delivered: false, reason: 'SendGrid dropped the email' };
    case 'spamreport':
      return { ...base, delivered: false, complaint: true, reason: 'SendGrid reported a spam report' };
    default:
      return undefined;
  }
}

// Postmark: one record per request.
export const postmarkRecordSchema = z.looseObject({
  RecordType: text(64),
  // A 64-bit number, beyond what JSON numbers hold exactly here: it only tells repeats apart.
  ID: z.union([z.number(), text(64)]).optional(),
  MessageID: text(200).optional(),
  Type: text(64).optional(),
  Metadata: z.record(z.string(), z.unknown()).optional(),
});

/** Postmark's bounce types that say the address will not take mail; the rest may pass another time. */
const postmarkHardBounces = new Set(['HardBounce', 'BadEmailAddress', 'ManuallyDeactivated']);
const postmarkSoftBounces = new Set(['SoftBounce', 'Transient', 'DnsError', 'Blocked', 'DMARCPolicy', 'Unknown']);

export function postmarkReport(record: z.infer<typeof postmarkRecordSchema>, domain: string): EmailReport | undefined {
  const local = record.Metadata?.[postmarkMetadataKey];
  if (typeof local !== 'string') return undefined;
  const found = parseMessageLocalPart(local);
  if (!found) return undefined;
  // Postmark gives a delivery no id of its own, and its message ids may be all zeros in tests: the message tells them apart.
  const eventId = `${record.RecordType}-${record.ID ?? record.MessageID ?? ''}-${local}`;
  const base = { eventId, ...found, messageId: `<${local}@${domain}>` };
  switch (record.RecordType) {
    case 'Delivery':
      return { ...base, delivered: true };
    case 'SpamComplaint':
      return { ...base, delivered: false, complaint: true, reason: 'Postmark reported a spam complaint' };
    case 'Bounce': {
      const type = record.Type ?? 'Unknown';
      const bounceType = postmarkHardBounces.has(type) ? 'hard' : postmarkSoftBounces.has(type) ? 'soft' : undefined;
      // Auto-replies, address changes and the like come as bounces too, and say nothing of delivery.
      if (!bounceType) return undefined;
      return { ...base, delivered: false, bounceType, reason: `Postmark reported a bounce of type ${type}` };
    }
    default:
      return undefined;
  }
}
