import { retryAfterMs } from './retry-after';

/**
 * When a webhook message is tried again, per the Standard Webhooks
 * recommendation (and Svix's schedule): at once, then 5 s, 5 min, 30 min, 2 h,
 * 5 h, 10 h, 10 h, ... until three days after the first attempt.
 */
const second = 1000;
const minute = 60 * second;
const hour = 60 * minute;

/** The delay before attempt n + 1 (index n); past the end, the last one repeats. */
export const retryDelaysMs = [0, 5 * second, 5 * minute, 30 * minute, 2 * hour, 5 * hour, 10 * hour] as const;

export const retryWindowMs = 72 * hour;

/** Spreads retries of many messages that failed together, so a recovering consumer is not hit all at once. */
export const jitterRatio = 0.1;

/** A consumer cannot park a message for longer than our longest interval. */
export const maxRetryAfterMs = 10 * hour;

export type AttemptVerdict = 'delivered' | 'gone' | 'retry';

/** Only 2xx delivers; `410 Gone` says the endpoint is no more; anything else (no answer included) is retried. */
export function attemptVerdict(statusCode: number | null): AttemptVerdict {
  if (statusCode !== null && statusCode >= 200 && statusCode < 300) return 'delivered';
  if (statusCode === 410) return 'gone';
  return 'retry';
}

/** The answers whose `Retry-After` we honour. */
export function honoursRetryAfter(statusCode: number | null): boolean {
  return statusCode === 429 || statusCode === 503;
}

/**
 * A `Retry-After` header (delay-seconds or an HTTP date) as milliseconds from
 * `now`, capped at `maxRetryAfterMs`; `null` when absent or unreadable.
 */
export function parseRetryAfter(header: string | null | undefined, now: Date): number | null {
  const delayMs = retryAfterMs(header, now);
  return delayMs === null ? null : Math.min(delayMs, maxRetryAfterMs);
}

export interface NextAttempt {
  /** Attempts made so far, at least 1. */
  attemptsMade: number;
  /** Epoch milliseconds of the first attempt and of now. */
  firstAttemptAt: number;
  now: number;
  /** What the consumer asked for with `Retry-After`, if anything. */
  retryAfterMs?: number | null;
  /** A number in [0, 1): the jitter, drawn by the caller so the schedule stays deterministic. */
  random: number;
}

/** The scheduled delay before the next attempt, before jitter and `Retry-After`. */
export function scheduledDelayMs(attemptsMade: number): number {
  return retryDelaysMs[Math.min(attemptsMade, retryDelaysMs.length - 1)]!;
}

/**
 * How long to wait before the next attempt, or `null` when it would fall past
 * the three-day window and the message is given up. A `Retry-After` longer
 * than the schedule wins: the consumer said when it can take it.
 */
export function nextAttemptDelayMs({
  attemptsMade,
  firstAttemptAt,
  now,
  retryAfterMs,
  random,
}: NextAttempt): number | null {
  const jittered = Math.round(scheduledDelayMs(attemptsMade) * (1 + (2 * random - 1) * jitterRatio));
  const delay = Math.max(jittered, Math.min(retryAfterMs ?? 0, maxRetryAfterMs));
  return now + delay > firstAttemptAt + retryWindowMs ? null : delay;
}
