import { newId } from '../../../domain/ids';

describe('newId', () => {
  test.each(['inv', 'whe', 'key'] as const)('a %s id is the prefix, "_" and 20 base64url characters', (prefix) => {
    expect(newId(prefix)).toMatch(new RegExp(`^${prefix}_[A-Za-z0-9_-]{20}$`));
  });

  test('ids are unique', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => newId('inv')));

    expect(ids.size).toBe(1000);
  });
});
