import { contrastRatio, defaultAccent, textOn } from '../../../domain/brand-colour';

test('contrast ratios are those WCAG gives', () => {
  expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
  expect(contrastRatio('#ffffff', '#ffffff')).toBeCloseTo(1, 5);
  // WCAG's own example pair: #767676 on white is just over 4.5:1.
  expect(contrastRatio('#767676', '#ffffff')).toBeCloseTo(4.54, 2);
  expect(contrastRatio('#ffffff', '#767676')).toBe(contrastRatio('#767676', '#ffffff'));
});

test('button text is white on dark accents and black on light ones', () => {
  expect(textOn('#1d4ed8')).toBe('#ffffff');
  expect(textOn('#000000')).toBe('#ffffff');
  expect(textOn('#ffeb3b')).toBe('#000000');
  expect(textOn('#ffffff')).toBe('#000000');
});

test('whatever the accent, its text reaches 4.5:1', () => {
  for (let value = 0; value <= 0xffffff; value += 0x0f0f0f >> 2) {
    const accent = `#${value.toString(16).padStart(6, '0')}`;
    expect(contrastRatio(accent, textOn(accent))).toBeGreaterThanOrEqual(4.5);
  }
  expect(contrastRatio(defaultAccent, textOn(defaultAccent))).toBeGreaterThan(6);
});
