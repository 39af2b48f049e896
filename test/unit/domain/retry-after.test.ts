import { retryAfterMs } from '../../../domain/retry-after';

const now = new Date('2026-03-01T10:00:00Z');

test('delay-seconds become milliseconds', () => {
  expect(retryAfterMs('120', now)).toBe(120_000);
  expect(retryAfterMs(' 0 ', now)).toBe(0);
});

test('an HTTP date is the time until it, never negative', () => {
  expect(retryAfterMs('Sun, 01 Mar 2026 10:00:30 GMT', now)).toBe(30_000);
  expect(retryAfterMs('Sun, 01 Mar 2026 09:00:00 GMT', now)).toBe(0);
});

test.each([null, undefined, '', '   ', 'soon', '1.5', '-3'])('%j is unreadable', (header) => {
  expect(retryAfterMs(header, now)).toBeNull();
});
