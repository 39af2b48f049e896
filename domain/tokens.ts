import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Invitation tokens are `<invitationId>.<HMAC>`: recomputed on demand from the
 * secret, so the raw token is never stored, and the same link survives resends.
 */
function mac(secret: string, invitationId: string): Buffer {
  return createHmac('sha256', secret).update(`invitation-token:${invitationId}`).digest();
}

export function invitationToken(secret: string, invitationId: string): string {
  return `${invitationId}.${mac(secret, invitationId).toString('base64url')}`;
}

/** The invitation id a token was made for, or `undefined` for any token that does not verify. */
export function verifyInvitationToken(secret: string, token: string): string | undefined {
  const dot = token.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const invitationId = token.slice(0, dot);
  // Compared as text, so only the one canonical spelling of the MAC verifies.
  const given = Buffer.from(token.slice(dot + 1));
  const expected = Buffer.from(mac(secret, invitationId).toString('base64url'));
  if (given.length !== expected.length) return undefined;
  return timingSafeEqual(given, expected) ? invitationId : undefined;
}
