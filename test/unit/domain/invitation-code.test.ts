import {
  codeAlphabet,
  codeStatus,
  generateInvitationCode,
  invitationCodeView,
  joinWithCodeSchema,
  normaliseCode,
  updateInvitationCodeSchema,
  type RandomIndex,
} from '../../../domain/invitation-code';

/** A random source that answers the given indexes in turn. */
function sequence(...indexes: number[]): RandomIndex {
  let next = 0;
  return () => indexes[next++ % indexes.length]!;
}

describe('codeAlphabet', () => {
  test('is upper-case letters and digits without look-alikes', () => {
    expect(codeAlphabet).toMatch(/^[A-Z2-9]+$/);
    for (const lookAlike of '01OIL') expect(codeAlphabet).not.toContain(lookAlike);
    expect(new Set(codeAlphabet).size).toBe(codeAlphabet.length);
    expect(codeAlphabet).toHaveLength(31);
  });
});

describe('generateInvitationCode', () => {
  test('draws 8 characters of the alphabet from the random source', () => {
    const digit = codeAlphabet.indexOf('7');
    expect(generateInvitationCode(sequence(0, 1, 2, 3, 4, 5, 6, digit))).toBe('ABCDEFG7');
  });

  test('draws again until the code holds a digit', () => {
    const letters = Array.from({ length: 8 }, () => 0);
    const withDigit = [...letters.slice(1), codeAlphabet.indexOf('2')];
    expect(generateInvitationCode(sequence(...letters, ...withDigit))).toBe('AAAAAAA2');
  });

  test('with crypto by default: 8 characters of the alphabet, at least one a digit', () => {
    const codes = Array.from({ length: 200 }, () => generateInvitationCode());
    for (const code of codes) {
      expect(code).toMatch(new RegExp(`^[${codeAlphabet}]{8}$`));
      expect(code).toMatch(/\d/);
    }
    expect(new Set(codes).size).toBe(codes.length);
  });
});

describe('normaliseCode', () => {
  test('ignores case and surrounding blanks', () => {
    expect(normaliseCode('  ab3def9h ')).toBe('AB3DEF9H');
  });
});

describe('updateInvitationCodeSchema', () => {
  const fieldsOf = (body: unknown) => {
    const result = updateInvitationCodeSchema.safeParse(body);
    return result.success ? [] : [...new Set(result.error.issues.map((issue) => `/${issue.path.join('/')}`))];
  };

  test('a custom code may use any letter and digit, in any case, stored upper-case', () => {
    expect(updateInvitationCodeSchema.parse({ code: 'summer01' })).toEqual({ code: 'SUMMER01' });
    expect(updateInvitationCodeSchema.parse({ code: 'OIL10LIO' })).toEqual({ code: 'OIL10LIO' });
  });

  test.each([
    ['7 characters', 'ABCDEF1'],
    ['9 characters', 'ABCDEFGH1'],
    ['no digit', 'ABCDEFGH'],
    ['a symbol', 'ABCD-EF1'],
    ['spaces around it, which the document could not state', ' OIL10LIO '],
    ['a non-Latin letter', 'ÄBCDEFG1'],
  ])('refuses a code with %s, naming /code', (_why, code) => {
    expect(fieldsOf({ code })).toEqual(['/code']);
  });

  test('reads the settings; null clears the expiry and the cap', () => {
    expect(
      updateInvitationCodeSchema.parse({ disabled: true, expiresAt: '2030-01-02T03:04:05+01:00', maxUses: 50 }),
    ).toEqual({ disabled: true, expiresAt: new Date('2030-01-02T02:04:05.000Z'), maxUses: 50 });
    expect(updateInvitationCodeSchema.parse({ expiresAt: null, maxUses: null })).toEqual({
      expiresAt: null,
      maxUses: null,
    });
    expect(updateInvitationCodeSchema.parse({})).toEqual({});
  });

  test('refuses wrong settings, naming each', () => {
    expect(fieldsOf({ disabled: 'yes', expiresAt: 'tomorrow', maxUses: 0 })).toEqual([
      '/disabled',
      '/expiresAt',
      '/maxUses',
    ]);
    expect(fieldsOf({ maxUses: 2.5 })).toEqual(['/maxUses']);
  });
});

describe('joinWithCodeSchema', () => {
  test('takes any code text, so a malformed code is refused like a wrong one', () => {
    expect(joinWithCodeSchema.parse({ code: 'x', userId: ' u-1 ' })).toEqual({ code: 'x', userId: 'u-1' });
    expect(joinWithCodeSchema.safeParse({ code: 'x'.repeat(65), userId: 'u-1' }).success).toBe(false);
    expect(joinWithCodeSchema.safeParse({ code: 'AB3DEF9H' }).success).toBe(false);
  });
});

describe('codeStatus', () => {
  const now = new Date('2026-11-28T12:00:00Z');
  const usable = { disabled: false, expiresAt: null, maxUses: null, uses: 0 };

  test('a code without limits is usable', () => {
    expect(codeStatus({ ...usable, uses: 10_000 }, now)).toBe('usable');
  });

  test('disabled, expired at or before now, or used maxUses times', () => {
    expect(codeStatus({ ...usable, disabled: true }, now)).toBe('disabled');
    expect(codeStatus({ ...usable, expiresAt: now }, now)).toBe('expired');
    expect(codeStatus({ ...usable, expiresAt: new Date(now.getTime() + 1) }, now)).toBe('usable');
    expect(codeStatus({ ...usable, maxUses: 3, uses: 3 }, now)).toBe('exhausted');
    expect(codeStatus({ ...usable, maxUses: 3, uses: 2 }, now)).toBe('usable');
  });
});

describe('invitationCodeView', () => {
  test('shows times as ISO text', () => {
    expect(
      invitationCodeView({
        workspaceId: 'acme',
        code: 'AB3DEF9H',
        disabled: false,
        expiresAt: new Date('2030-01-01T00:00:00Z'),
        maxUses: null,
        uses: 2,
        createdAt: new Date('2026-11-28T12:00:00Z'),
      }),
    ).toEqual({
      workspaceId: 'acme',
      code: 'AB3DEF9H',
      disabled: false,
      expiresAt: '2030-01-01T00:00:00.000Z',
      maxUses: null,
      uses: 2,
      createdAt: '2026-11-28T12:00:00.000Z',
    });
  });
});
