import { createHash, timingSafeEqual, verify, type KeyObject } from 'node:crypto';
import type { RequestHandler } from 'express';
import { Problem } from './problem';

/**
 * Checks of providers' event webhooks that run before their bodies are
 * read: an unsigned request learns nothing of what the fields should be.
 * `null` settings mean the provider is not configured here.
 */

function ecdsaValid(publicKey: KeyObject, timestamp: string, body: Buffer, signature: string): boolean {
  try {
    return verify(
      'sha256',
      Buffer.concat([Buffer.from(timestamp, 'utf8'), body]),
      publicKey,
      Buffer.from(signature, 'base64'),
    );
  } catch {
    // A signature that is not even DER.
    return false;
  }
}

/** SendGrid's signed Event Webhook: ECDSA (P-256, SHA-256) over the timestamp header and the body's bytes. */
export function signedBySendgrid(settings: { publicKey: KeyObject } | null): RequestHandler {
  return (req, _res, next) => {
    if (!settings) throw new Problem('not_found', "SendGrid's event webhook is not configured on this server");
    const signature = req.header('x-twilio-email-event-webhook-signature');
    const timestamp = req.header('x-twilio-email-event-webhook-timestamp');
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const signed =
      signature !== undefined && timestamp !== undefined && ecdsaValid(settings.publicKey, timestamp, body, signature);
    if (!signed) throw new Problem('forbidden', 'the SendGrid signature does not match the request');
    next();
  };
}

/** Compared as digests, so neither the length nor the content of the expected value leaks through timing. */
function sameSecret(given: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** Postmark's webhooks: basic-auth credentials in the URL Postmark was given. */
export function signedByPostmark(settings: { user: string; password: string } | null): RequestHandler {
  return (req, _res, next) => {
    if (!settings) throw new Problem('not_found', "Postmark's webhooks are not configured on this server");
    const match = /^Basic ([A-Za-z0-9+/=]{1,1024})$/.exec(req.header('authorization') ?? '');
    const decoded = match ? Buffer.from(match[1]!, 'base64').toString('utf8') : '';
    const colon = decoded.indexOf(':');
    const user = colon < 0 ? '' : decoded.slice(0, colon);
    const password = colon < 0 ? '' : decoded.slice(colon + 1);
    // Both are compared whatever the first answers.
    const userMatches = sameSecret(user, settings.user);
    const passwordMatches = sameSecret(password, settings.password);
    if (colon < 0 || !userMatches || !passwordMatches) {
      throw new Problem('forbidden', "the credentials do not match Postmark's webhook");
    }
    next();
  };
}
