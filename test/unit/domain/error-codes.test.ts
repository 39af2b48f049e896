import { errorCodes, isErrorCode, RuleViolation } from '../../../domain/error-codes';

describe('errorCodes', () => {
  test('every code maps to an HTTP error status', () => {
    for (const [code, status] of Object.entries(errorCodes)) {
      expect([code, status >= 400 && status <= 599]).toEqual([code, true]);
    }
  });

  test.each([
    ['inviter_not_allowed', 403],
    ['unknown_role', 422],
    ['invalid_token', 404],
    ['invitation_already_accepted', 409],
    ['invitation_expired', 409],
    ['validation_failed', 422],
    ['resend_too_soon', 429],
  ] as const)('%s answers %d', (code, status) => {
    expect(errorCodes[code]).toBe(status);
  });
});

describe('isErrorCode', () => {
  test('knows the codes', () => {
    expect(isErrorCode('invitation_expired')).toBe(true);
    expect(isErrorCode('internal_error')).toBe(true);
  });

  test('refuses anything else, including inherited object keys', () => {
    expect(isErrorCode('no_such_code')).toBe(false);
    expect(isErrorCode('toString')).toBe(false);
    expect(isErrorCode('__proto__')).toBe(false);
    expect(isErrorCode(409)).toBe(false);
    expect(isErrorCode(undefined)).toBe(false);
  });
});

describe('RuleViolation', () => {
  test('carries its code, message and field, and is an Error', () => {
    const violation = new RuleViolation('unknown_role', 'role "x" does not exist', '/roles/0');

    expect(violation).toBeInstanceOf(Error);
    expect(violation.name).toBe('RuleViolation');
    expect(violation.code).toBe('unknown_role');
    expect(violation.message).toBe('role "x" does not exist');
    expect(violation.field).toBe('/roles/0');
  });

  test('the field is optional', () => {
    expect(new RuleViolation('forbidden', 'no').field).toBeUndefined();
  });

  test('can say how many seconds until the same request can succeed', () => {
    expect(new RuleViolation('resend_too_soon', 'wait', undefined, 42).retryAfterSeconds).toBe(42);
    expect(new RuleViolation('forbidden', 'no').retryAfterSeconds).toBeUndefined();
  });
});
