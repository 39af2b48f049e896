import { firstFittingSms, maxSmsSegments, shortenName, smsSegments } from '../../../domain/sms';

describe('smsSegments', () => {
  test('GSM-7 text: 160 characters in one segment, 153 per segment beyond', () => {
    expect(smsSegments('a'.repeat(160))).toBe(1);
    expect(smsSegments('a'.repeat(161))).toBe(2);
    expect(smsSegments('a'.repeat(306))).toBe(2);
    expect(smsSegments('a'.repeat(307))).toBe(3);
  });

  test('one character outside GSM-7 makes the whole text UCS-2: 70 per segment', () => {
    expect(smsSegments('a'.repeat(70))).toBe(1);
    expect(smsSegments(`${'a'.repeat(69)}…`)).toBe(1);
    expect(smsSegments(`${'a'.repeat(70)}…`)).toBe(2);
  });
});

describe('shortenName', () => {
  test('leaves a name within the limit alone', () => {
    expect(shortenName('Acme', 10)).toBe('Acme');
  });

  test('cuts a longer one to the limit, marked with three dots', () => {
    const short = shortenName('Plant Operations North Division', 12);

    expect(short).toBe('Plant Ope...');
    expect(short).toHaveLength(12);
  });
});

describe('firstFittingSms', () => {
  test('takes the first rendering that fits the segment limit', () => {
    const long = 'x'.repeat(153 * maxSmsSegments + 1);

    expect(firstFittingSms([long, 'short enough', 'also short'])).toBe('short enough');
  });

  test('is undefined when none fits', () => {
    expect(firstFittingSms(['x'.repeat(1_000)])).toBeUndefined();
  });
});
