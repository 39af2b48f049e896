import { ConnectionException, DriverException } from '@mikro-orm/core';
import { isUnavailable } from '../../../api/problem';

const driverError = (code: string) => new DriverException(Object.assign(new Error('driver'), { code }));

describe('isUnavailable: what answers 503 to retry rather than 500', () => {
  test.each(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', '08006', '08001', '57P01', '57P03'])(
    'PostgreSQL out of reach (%s)',
    (code) => {
      expect(isUnavailable(driverError(code))).toBe(true);
    },
  );

  test('a connection the ORM itself reports lost', () => {
    expect(isUnavailable(new ConnectionException(new Error('gone')))).toBe(true);
  });

  // A protocol violation (a NUL sent as text) or a broken statement is our bug: a retry would only repeat it.
  test.each(['08P01', '23505', '42P01', '22021', '57014'])('not a statement PostgreSQL refused (%s)', (code) => {
    expect(isUnavailable(driverError(code))).toBe(false);
  });

  test('not an arbitrary error', () => {
    expect(isUnavailable(new Error('ECONNREFUSED'))).toBe(false);
  });
});
