import { retryAfterMs } from '../domain/retry-after';

/** How the client retries refusals that lift with time: 429, 503, and a same-key request still running. */
export interface RetryPolicy {
  /** Retries after the first attempt. */
  maxRetries: number;
  /** A refusal asking to wait longer than this is not retried: the caller gets it, with `retryAfterSeconds`. */
  maxWaitSeconds: number;
}

export const defaultRetryPolicy: RetryPolicy = { maxRetries: 2, maxWaitSeconds: 30 };

/** `Retry-After` in seconds, from either of its forms: delay-seconds or an HTTP date. */
export function retryAfterSeconds(header: string | null, now: Date): number | undefined {
  const delayMs = retryAfterMs(header, now);
  return delayMs === null ? undefined : Math.ceil(delayMs / 1000);
}

/**
 * How long to wait before retry number `attempt + 1`, or `null` not to
 * retry. Without `Retry-After` the wait doubles from half a second.
 */
export function retryWaitMs(
  policy: RetryPolicy,
  attempt: number,
  refusal: { status: number; code: string; retryAfterSeconds?: number },
): number | null {
  const retryable = refusal.status === 429 || refusal.status === 503 || refusal.code === 'idempotency_key_in_use';
  if (!retryable || attempt >= policy.maxRetries) return null;
  const seconds = refusal.retryAfterSeconds ?? 0.5 * 2 ** attempt;
  return seconds > policy.maxWaitSeconds ? null : seconds * 1000;
}
