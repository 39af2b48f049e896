import { DAY, HOUR, MINUTE, parseDuration } from '../../../domain/duration';

describe('constants', () => {
  test('HOUR and DAY are in milliseconds', () => {
    expect(MINUTE).toBe(60_000);
    expect(HOUR).toBe(3_600_000);
    expect(DAY).toBe(86_400_000);
  });
});

describe('parseDuration', () => {
  test.each([
    ['7d', 7 * DAY],
    ['36h', 36 * HOUR],
    ['90m', 90 * 60_000],
    ['1h', HOUR],
    ['1.5h', 90 * 60_000],
    ['2w', 14 * DAY],
    ['1 day', DAY],
    ['10s', 10_000],
  ])('%j → %d ms', (text, value) => {
    expect(parseDuration(text)).toBe(value);
  });

  test.each(['soon', 'd7', '7 days later', '0d', '0', '-1d', '-5', ' ', '1'.repeat(101)])(
    '%j is not a duration',
    (text) => {
      expect(parseDuration(text)).toBeUndefined();
    },
  );

  test('the empty string is not a duration (undefined, no exception)', () => {
    expect(parseDuration('')).toBeUndefined();
  });
});

describe('parseDuration with allowZero', () => {
  test.each([
    ['0', 0],
    ['0s', 0],
    ['0d', 0],
    ['30s', 30_000],
    ['1m', MINUTE],
  ])('%j → %d ms', (text, value) => {
    expect(parseDuration(text, { allowZero: true })).toBe(value);
  });

  test.each(['', ' ', 'soon', '-1m', '-5'])('%j is still not a duration', (text) => {
    expect(parseDuration(text, { allowZero: true })).toBeUndefined();
  });
});
