import { matchMethod, registrationSchema } from '../../../domain/registration';

const invitee = { email: 'Ana@Example.org', phone: '+34612345678', phoneConsent: true };
const registration = (input: Record<string, unknown>) => registrationSchema.parse({ userId: 'user-ana', ...input });

describe('registrationSchema', () => {
  test.each(['+34 612 34 56 78', '+34612345678', '+34 612-345-678', '(+34) 612 345 678'])(
    'normalises the phone %j to E.164',
    (phone) => {
      expect(registration({ phone }).phone).toBe('+34612345678');
    },
  );

  test.each([
    ['612 34 56 78', 'ES'],
    ['0034 612 345 678', 'es'],
  ])('reads the national form %j in phoneCountry %s', (phone, phoneCountry) => {
    expect(registration({ phone, phoneCountry }).phone).toBe('+34612345678');
    expect(registration({ phone, phoneCountry })).not.toHaveProperty('phoneCountry');
  });

  test('a national form without its country is refused at phone', () => {
    const result = registrationSchema.safeParse({ userId: 'u', phone: '612 34 56 78' });

    expect(result.error?.issues.map((issue) => issue.path)).toEqual([['phone']]);
  });

  test('verification defaults to false', () => {
    expect(registration({ email: 'ana@example.org' })).toMatchObject({ emailVerified: false, phoneVerified: false });
  });

  test('needs an email or a phone', () => {
    expect(registrationSchema.safeParse({ userId: 'u' }).error?.issues[0]?.message).toBe(
      'needs an email or a phone to match invitations with',
    );
  });
});

describe('matchMethod', () => {
  test('a verified phone matches an invitation whose invitee consented', () => {
    expect(matchMethod(invitee, registration({ phone: '+34 612 34 56 78', phoneVerified: true }))).toBe('phone_match');
  });

  test.each([false, undefined])('never without the invitee’s consent (%s)', (phoneConsent) => {
    expect(
      matchMethod({ ...invitee, phoneConsent }, registration({ phone: '+34612345678', phoneVerified: true })),
    ).toBeUndefined();
  });

  test('never with an unverified phone or email', () => {
    expect(matchMethod(invitee, registration({ phone: '+34612345678' }))).toBeUndefined();
    expect(matchMethod(invitee, registration({ email: 'ana@example.org' }))).toBeUndefined();
  });

  test('a verified email matches case-insensitively', () => {
    expect(matchMethod(invitee, registration({ email: 'ANA@example.ORG', emailVerified: true }))).toBe('email_match');
  });

  test('other contacts do not match', () => {
    expect(
      matchMethod(
        invitee,
        registration({
          email: 'ana+work@example.org',
          emailVerified: true,
          phone: '+34612345679',
          phoneVerified: true,
        }),
      ),
    ).toBeUndefined();
  });
});
