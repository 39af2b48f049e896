import { emailKey, normalisePhone } from '../../../domain/contact';

describe('emailKey', () => {
  test('lower-cases the whole address', () => {
    expect(emailKey('Ana.Silva@Example.ORG')).toBe('ana.silva@example.org');
  });

  test('trims surrounding blanks', () => {
    expect(emailKey('  ana@example.org \n')).toBe('ana@example.org');
  });

  test('keeps plus-tags, so a tagged address is a different key', () => {
    expect(emailKey('Ana+Work@Example.org')).toBe('ana+work@example.org');
    expect(emailKey('ana+work@example.org')).not.toBe(emailKey('ana@example.org'));
  });

  test('keeps dots in the local part', () => {
    expect(emailKey('a.n.a@example.org')).not.toBe(emailKey('ana@example.org'));
  });

  test('two spellings of the same address get the same key', () => {
    expect(emailKey('ANA@EXAMPLE.ORG')).toBe(emailKey(' ana@example.org'));
  });
});

describe('normalisePhone', () => {
  test.each([
    ['+33 6 12 34 56 78', '+33612345678'],
    ['+33612345678', '+33612345678'],
    ['  +33 6 12 34 56 78  ', '+33612345678'],
    ['+1 (212) 736-5000', '+12127365000'],
    ['+44 20 7946 0958', '+442079460958'],
    ['+49 151 23456789', '+4915123456789'],
  ])('%j → %j', (input, e164) => {
    expect(normalisePhone(input)).toBe(e164);
  });

  test.each(['', '   ', 'hello', '12345', '+33 1', '+33 1 23', '0612345678' /* no country code */, '+999 123 456'])(
    '%j is not a valid international number',
    (input) => {
      expect(normalisePhone(input)).toBeUndefined();
    },
  );
});
