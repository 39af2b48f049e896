import { createHmac } from 'node:crypto';

/**
 * Who a failed attempt is counted against: the visitor's address, the user it
 * was for, the workspace it was made in (or the API key, when it names none),
 * and everyone at once.
 */
export const attemptKinds = ['visitor', 'user', 'workspace', 'global'] as const;
export type AttemptKind = (typeof attemptKinds)[number];

/** A sliding window: at most `caps[kind]` failed attempts per key within any `windowMs`. */
export interface AttemptLimits {
  caps: Record<AttemptKind, number>;
  windowMs: number;
}

/**
 * What the attempt log stores instead of an IP or a user id: a keyed hash, so
 * a copy of the table tells nobody who tried, and an unkeyed guess of an IP
 * cannot be checked against it.
 */
export function attemptKey(secret: string, kind: AttemptKind, value: string): string {
  return createHmac('sha256', secret).update(`join-attempt:${kind}:${value}`).digest('base64url');
}

/**
 * Seconds until every full window has a free slot again, or `undefined` when
 * none is full. A key is full when it has `cap` attempts in the window; it
 * frees a slot when the `cap`-th most recent of them leaves the window, so
 * `blocking` holds that attempt's time for each full key.
 */
export function retryAfterSeconds(windowMs: number, blocking: Date[], now: Date): number | undefined {
  if (blocking.length === 0) return undefined;
  const freedAt = Math.max(...blocking.map((at) => at.getTime() + windowMs));
  return Math.max(1, Math.ceil((freedAt - now.getTime()) / 1000));
}
