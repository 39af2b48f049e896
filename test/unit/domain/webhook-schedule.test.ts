import {
  attemptVerdict,
  honoursRetryAfter,
  maxRetryAfterMs,
  nextAttemptDelayMs,
  parseRetryAfter,
  retryWindowMs,
  scheduledDelayMs,
} from '../../../domain/webhook-schedule';

const second = 1000;
const minute = 60 * second;
const hour = 60 * minute;
/** random = 0.5 draws no jitter at all. */
const noJitter = 0.5;

describe('the retry schedule', () => {
  test('is immediate, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, then 10 h again', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7, 8].map(scheduledDelayMs)).toEqual([
      0,
      5 * second,
      5 * minute,
      30 * minute,
      2 * hour,
      5 * hour,
      10 * hour,
      10 * hour,
      10 * hour,
    ]);
  });

  test('each delay is jittered by at most ±10 %, deterministically from the random number', () => {
    const at = { attemptsMade: 2, firstAttemptAt: 0, now: 0 };
    expect(nextAttemptDelayMs({ ...at, random: noJitter })).toBe(5 * minute);
    expect(nextAttemptDelayMs({ ...at, random: 0 })).toBe(4.5 * minute);
    expect(nextAttemptDelayMs({ ...at, random: 0.999999 })).toBeCloseTo(5.5 * minute, -1);
    expect(nextAttemptDelayMs({ ...at, random: 0.25 })).toBe(nextAttemptDelayMs({ ...at, random: 0.25 }));
  });

  test('stops once the next attempt would fall after three days from the first', () => {
    let now = 0;
    const delays: number[] = [];
    for (let attemptsMade = 1; ; attemptsMade += 1) {
      const delay = nextAttemptDelayMs({ attemptsMade, firstAttemptAt: 0, now, random: noJitter });
      if (delay === null) break;
      delays.push(delay);
      now += delay;
    }
    expect(now).toBeLessThanOrEqual(retryWindowMs);
    expect(now + 10 * hour).toBeGreaterThan(retryWindowMs);
    // 1 + 6 to 10 h, then 10 h apart: 12 attempts in 72 hours.
    expect(delays).toHaveLength(11);
    expect(nextAttemptDelayMs({ attemptsMade: 3, firstAttemptAt: 0, now: retryWindowMs, random: noJitter })).toBeNull();
  });

  test('a longer Retry-After wins over the schedule, a shorter one does not', () => {
    const at = { attemptsMade: 1, firstAttemptAt: 0, now: 0, random: noJitter };
    expect(nextAttemptDelayMs({ ...at, retryAfterMs: 2 * minute })).toBe(2 * minute);
    expect(nextAttemptDelayMs({ ...at, retryAfterMs: 1 * second })).toBe(5 * second);
    expect(nextAttemptDelayMs({ ...at, retryAfterMs: 99 * hour })).toBe(maxRetryAfterMs);
  });
});

describe('attemptVerdict', () => {
  test.each([
    [200, 'delivered'],
    [204, 'delivered'],
    [299, 'delivered'],
    [301, 'retry'],
    [400, 'retry'],
    [410, 'gone'],
    [429, 'retry'],
    [500, 'retry'],
    [null, 'retry'],
  ] as const)('%s is %s', (status, verdict) => {
    expect(attemptVerdict(status)).toBe(verdict);
  });

  test('Retry-After is honoured on 429 and 503 only', () => {
    expect([429, 503, 500, 200, null].map(honoursRetryAfter)).toEqual([true, true, false, false, false]);
  });
});

describe('parseRetryAfter', () => {
  const now = new Date('2026-03-01T10:00:00Z');

  test('reads delay-seconds', () => {
    expect(parseRetryAfter('120', now)).toBe(120 * second);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
  });

  test('reads an HTTP date, relative to now, never negative', () => {
    expect(parseRetryAfter('Sun, 01 Mar 2026 10:05:00 GMT', now)).toBe(5 * minute);
    expect(parseRetryAfter('Sun, 01 Mar 2026 09:00:00 GMT', now)).toBe(0);
  });

  test('caps what it reads', () => {
    expect(parseRetryAfter('999999', now)).toBe(maxRetryAfterMs);
    expect(parseRetryAfter('Tue, 01 Dec 2026 10:00:00 GMT', now)).toBe(maxRetryAfterMs);
  });

  test('is null when absent or unreadable', () => {
    expect(parseRetryAfter(null, now)).toBeNull();
    expect(parseRetryAfter('', now)).toBeNull();
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter('-5', now)).toBeNull();
    expect(parseRetryAfter('1.5', now)).toBeNull();
  });
});
