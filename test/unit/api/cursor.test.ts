import { cursorFromQuery } from '../../../api/cursor';
import { encodeCursor } from '../../../domain/cursor';
import { Problem } from '../../../api/problem';
import { thrownBy } from '../../support/thrown';

const crafted = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('cursorFromQuery', () => {
  test('reads back a cursor the API issued', () => {
    const cursor = { createdAt: '2026-12-03T10:00:00.000Z', id: 'inv_abc' };
    expect(cursorFromQuery(encodeCursor(cursor))).toEqual(cursor);
    expect(cursorFromQuery(undefined)).toBeUndefined();
  });

  test.each([
    ['a NUL in the id, which the database driver fails on', ['2026-12-03T10:00:00.000Z', 'inv_\u0000']],
    ['a lone surrogate in the id', ['2026-12-03T10:00:00.000Z', 'inv_\ud800']],
    ['a control character in the id', ['2026-12-03T10:00:00.000Z', 'inv_\n']],
    ['a time past what PostgreSQL stores', ['+100000-01-01T00:00:00.000Z', 'inv_abc']],
    ['a time that is no instant', ['2026-12-03', 'inv_abc']],
    ['not a pair', { createdAt: '2026-12-03T10:00:00.000Z' }],
    ['not JSON', 'not-a-cursor'],
  ])('refuses %s with a 422 naming query.cursor', (_what, value) => {
    const text = typeof value === 'string' ? value : crafted(value);
    const refusal = thrownBy(Problem, () => cursorFromQuery(text));
    expect(refusal).toMatchObject({ code: 'validation_failed', errors: [{ field: 'query.cursor' }] });
  });
});
