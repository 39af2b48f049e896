import { createHmac } from 'node:crypto';
import { emailKey } from './contact';
import type { BounceType } from './invitation';

/**
 * Addresses a workspace stops inviting: one that bounced for good, or whose
 * owner called an invitation spam. They are kept as keyed hashes, so the
 * list outlives the invitations without holding anyone's address.
 */
export const suppressionReasons = ['bounced', 'complained'] as const;
export type SuppressionReason = (typeof suppressionReasons)[number];

/** Why a provider's report suppresses the address, if it does. */
export function suppressionReason(report: {
  bounceType?: BounceType;
  complaint?: boolean;
}): SuppressionReason | undefined {
  if (report.complaint) return 'complained';
  return report.bounceType === 'hard' ? 'bounced' : undefined;
}

/** The same for every spelling of one address (case, white space). */
export function suppressedAddressHash(secret: string, email: string): string {
  return createHmac('sha256', secret)
    .update(`suppressed-address:${emailKey(email)}`)
    .digest('base64url');
}
