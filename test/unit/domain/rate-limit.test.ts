import { attemptKey, retryAfterSeconds } from '../../../domain/rate-limit';

describe('attemptKey', () => {
  const secret = 's'.repeat(32);

  test('is a keyed hash: stable, never the value itself, different per kind and per secret', () => {
    const key = attemptKey(secret, 'visitor', '203.0.113.7');
    expect(key).toBe(attemptKey(secret, 'visitor', '203.0.113.7'));
    expect(key).not.toContain('203.0.113.7');
    expect(key).toMatch(/^[\w-]{43}$/);
    expect(attemptKey(secret, 'user', '203.0.113.7')).not.toBe(key);
    expect(attemptKey('t'.repeat(32), 'visitor', '203.0.113.7')).not.toBe(key);
  });
});

describe('retryAfterSeconds', () => {
  const windowMs = 15 * 60 * 1000;
  const now = new Date('2026-11-28T12:15:00Z');

  test('nothing to wait for when no key is full', () => {
    expect(retryAfterSeconds(windowMs, [], now)).toBeUndefined();
  });

  test('until the blocking attempt leaves the window, rounded up to whole seconds', () => {
    expect(retryAfterSeconds(windowMs, [new Date('2026-11-28T12:05:00Z')], now)).toBe(300);
    expect(retryAfterSeconds(windowMs, [new Date('2026-11-28T12:05:00.001Z')], now)).toBe(301);
  });

  test('the longest wait when several keys are full', () => {
    const blocking = [new Date('2026-11-28T12:01:00Z'), new Date('2026-11-28T12:14:00Z')];
    expect(retryAfterSeconds(windowMs, blocking, now)).toBe(840);
  });

  test('at least one second, even for an attempt already leaving the window', () => {
    expect(retryAfterSeconds(windowMs, [new Date('2026-11-28T12:00:00Z')], now)).toBe(1);
  });
});
