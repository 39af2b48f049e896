import type { Allowed } from './footprint';
import type { BadRequest } from './probe';

const idempotencyKeyPattern = /^[\x21-\x7e]{1,255}$/;

/**
 * What a refused request may write on purpose: the remembered answer of a
 * business refusal (probe.ts withdraws this for validation refusals, which are
 * not remembered), and a failed try at a code or token.
 */
export function allowedWrites(request: BadRequest): Allowed {
  const key = request.headers['idempotency-key'];
  return {
    idempotencyKeys: request.method === 'POST' && key !== undefined && idempotencyKeyPattern.test(key),
    joinAttempts: /^\/v1\/(join|invitations\/|invite-links\/redeem)|\/invitation-code/.test(request.target),
  };
}
