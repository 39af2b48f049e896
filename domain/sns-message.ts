import { z } from 'zod';

/**
 * Amazon SNS's HTTP(S) messages. SNS signs each with a certificate it
 * publishes; the signature covers the fields below in a fixed order. Any AWS
 * account can sign through SNS, so the topic must be one the operator named.
 */

const text = (max: number) => z.string().min(1).max(max);

export const snsMessageSchema = z.object({
  Type: z.enum(['Notification', 'SubscriptionConfirmation', 'UnsubscribeConfirmation']),
  MessageId: text(100),
  TopicArn: text(256),
  Message: text(256 * 1024),
  Timestamp: text(64),
  SignatureVersion: z.enum(['1', '2']),
  Signature: text(4096),
  SigningCertURL: z.url({ protocol: /^https?$/ }).max(2048),
  Subject: text(100).optional(),
  SubscribeURL: z
    .url({ protocol: /^https?$/ })
    .max(4096)
    .optional(),
  Token: text(2048).optional(),
  UnsubscribeURL: z
    .url({ protocol: /^https?$/ })
    .max(4096)
    .optional(),
});

export type SnsMessage = z.infer<typeof snsMessageSchema>;

const signedFields: Record<SnsMessage['Type'], (keyof SnsMessage)[]> = {
  Notification: ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'],
  SubscriptionConfirmation: ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'],
  UnsubscribeConfirmation: ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'],
};

/** The text SNS signed: each present field's name and value on lines of their own. */
export function snsStringToSign(message: SnsMessage): string {
  return signedFields[message.Type]
    .filter((field) => message[field] !== undefined)
    .map((field) => `${field}\n${message[field]}\n`)
    .join('');
}

export function snsSignatureAlgorithm(message: SnsMessage): 'RSA-SHA1' | 'RSA-SHA256' {
  return message.SignatureVersion === '1' ? 'RSA-SHA1' : 'RSA-SHA256';
}

const snsHost = /^sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/;

/**
 * Whether SNS's own service serves a URL (its certificates, a subscription's
 * confirmation): https on an SNS regional host, or one of `extraOrigins`,
 * which an operator names for an SNS-compatible service.
 */
export function isSnsUrl(url: string, extraOrigins: readonly string[]): boolean {
  if (!URL.canParse(url)) return false;
  const parsed = new URL(url);
  if (extraOrigins.includes(parsed.origin)) return true;
  return parsed.protocol === 'https:' && parsed.port === '' && snsHost.test(parsed.hostname);
}
