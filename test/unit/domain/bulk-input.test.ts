import {
  BulkInputError,
  bulkCsvQuerySchema,
  bulkJsonSchema,
  checkBulkRows,
  entriesToRows,
  maxBulkRows,
  parsePastedList,
  type BulkRowInput,
} from '../../../domain/bulk-input';
import { thrownBy } from '../../support/thrown';

const bulkInputError = (read: () => unknown): BulkInputError => thrownBy(BulkInputError, read);

describe('parsePastedList', () => {
  test('splits on semicolons, commas and newlines in any mix, numbering items from 1', () => {
    const rows = parsePastedList(
      'ana@example.org;bob@example.org,carl@example.org\ndee@example.org\r\neve@example.org',
    );

    expect(rows).toEqual([
      { line: 1, email: 'ana@example.org' },
      { line: 2, email: 'bob@example.org' },
      { line: 3, email: 'carl@example.org' },
      { line: 4, email: 'dee@example.org' },
      { line: 5, email: 'eve@example.org' },
    ]);
  });

  test('trims items and ignores blanks and empty items', () => {
    const rows = parsePastedList('\n  ana@example.org ;; ,\r\n\r\n   \n bob@example.org ,;');

    expect(rows).toEqual([
      { line: 1, email: 'ana@example.org' },
      { line: 2, email: 'bob@example.org' },
    ]);
  });

  test('reads an empty text as no rows', () => {
    expect(parsePastedList('  \n ')).toEqual([]);
  });

  test('accepts maxBulkRows items and refuses one more as too large, at /emails', () => {
    const items = Array.from({ length: maxBulkRows }, (_, index) => `p${index}@example.org`);

    expect(parsePastedList(items.join('\n'))).toHaveLength(maxBulkRows);
    const error = bulkInputError(() => parsePastedList([...items, 'one-more@example.org'].join('\n')));
    expect(error.field).toBe('/emails');
    expect(error.tooLarge).toBe(true);
  });
});

describe('entriesToRows', () => {
  test('trims strings, reads empty ones and empty lists as absent, and numbers entries from 1', () => {
    const rows = entriesToRows([
      { email: ' ana@example.org ', name: ' ', roles: [' admin ', ''], groups: [] },
      { phone: ' +33612345678 ', email: '' },
    ]);

    expect(rows).toEqual([
      { line: 1, email: 'ana@example.org', roles: ['admin'] },
      { line: 2, phone: '+33612345678' },
    ]);
  });

  test('refuses more than maxBulkRows entries as too large, at /entries', () => {
    const entries = Array.from({ length: maxBulkRows + 1 }, () => ({ email: 'ana@example.org' }));

    const error = bulkInputError(() => entriesToRows(entries));
    expect(error.field).toBe('/entries');
    expect(error.tooLarge).toBe(true);
  });
});

describe('checkBulkRows', () => {
  const options = {
    defaultRoles: ['member'],
    defaultGroups: ['everyone'],
    knownRoles: ['member', 'admin'],
    phoneConsent: true,
  };

  function checkOne(
    row: Omit<BulkRowInput, 'line'>,
    overrides: Partial<typeof options> & { phoneCountry?: string } = {},
  ) {
    const [checked] = checkBulkRows([{ line: 2, ...row }], { ...options, ...overrides });
    return checked!;
  }

  test('accepts a valid row, applying the default roles and groups and writing the phone in E.164', () => {
    expect(checkOne({ email: 'ana@example.org', phone: '+33 6 12 34 56 78', name: 'Ana' })).toEqual({
      line: 2,
      email: 'ana@example.org',
      phone: '+33612345678',
      name: 'Ana',
      roles: ['member'],
      groups: ['everyone'],
      problem: null,
      message: null,
    });
  });

  test("keeps the row's own roles and groups", () => {
    const checked = checkOne({ email: 'ana@example.org', roles: ['admin'], groups: [] });

    expect(checked).toMatchObject({ roles: ['admin'], groups: [], problem: null });
  });

  test('reports a row without email or phone as missing_contact', () => {
    expect(checkOne({ name: 'Ana' })).toMatchObject({
      email: null,
      phone: null,
      problem: 'missing_contact',
      message: expect.stringMatching(/^email or phone: /),
    });
  });

  test('reports an invalid email, kept as given', () => {
    expect(checkOne({ email: 'ana@' })).toMatchObject({
      email: 'ana@',
      problem: 'invalid_email',
      message: 'email: must be a valid email address',
    });
  });

  test('reports an invalid phone, kept as given', () => {
    expect(checkOne({ phone: '12' })).toMatchObject({
      phone: '12',
      problem: 'invalid_phone',
      message: expect.stringMatching(/^phone: must be a valid international phone number/),
    });
  });

  test('reads a national phone in phoneCountry, and refuses it without one', () => {
    expect(checkOne({ phone: '06 12 34 56 78' }, { phoneCountry: 'FR' })).toMatchObject({
      phone: '+33612345678',
      problem: null,
    });
    expect(checkOne({ phone: '06 12 34 56 78' })).toMatchObject({ phone: '06 12 34 56 78', problem: 'invalid_phone' });
  });

  test('reports a phone without phoneConsent as phone_consent_required', () => {
    expect(checkOne({ email: 'ana@example.org', phone: '+33612345678' }, { phoneConsent: false })).toMatchObject({
      phone: '+33612345678',
      problem: 'phone_consent_required',
      message: expect.stringMatching(/^phone: /),
    });
  });

  test('accepts an email-only row without phoneConsent', () => {
    expect(checkOne({ email: 'ana@example.org' }, { phoneConsent: false }).problem).toBeNull();
  });

  test('reports roles outside knownRoles as unknown_role, naming them', () => {
    const checked = checkOne({ email: 'ana@example.org', roles: ['admin', 'owner', 'boss'] });

    expect(checked.problem).toBe('unknown_role');
    expect(checked.message).toMatch(/^roles: .*"owner", "boss"$/);
  });

  test('reports a second row with the same email, in another case, as duplicate_in_file', () => {
    const checked = checkBulkRows(
      [
        { line: 2, email: 'Ana@Example.org' },
        { line: 3, email: 'bob@example.org' },
        { line: 4, email: 'ana@example.ORG' },
      ],
      options,
    );

    expect(checked.map((row) => row.problem)).toEqual([null, null, 'duplicate_in_file']);
    expect(checked[2]!.message).toBe('email: the same person as line 2');
  });

  test('reports a second row with the same phone written another way as duplicate_in_file', () => {
    const checked = checkBulkRows(
      [
        { line: 1, email: 'ana@example.org', phone: '+33 6 12 34 56 78' },
        { line: 2, email: 'other@example.org', phone: '+33612345678' },
      ],
      options,
    );

    expect(checked.map((row) => row.problem)).toEqual([null, 'duplicate_in_file']);
    expect(checked[1]!.message).toBe('phone: the same person as line 1');
  });

  test('lets a valid row claim a person that only bad rows above it named', () => {
    const checked = checkBulkRows(
      [
        { line: 1, email: 'ana@example.org', phone: '12' },
        { line: 2, email: 'ana@example.org', roles: ['boss'] },
        { line: 3, email: 'ana@example.org' },
        { line: 4, email: 'ana@example.org' },
      ],
      options,
    );

    expect(checked.map((row) => row.problem)).toEqual(['invalid_phone', 'unknown_role', null, 'duplicate_in_file']);
  });

  test('keeps a valid row after bad ones valid, and rows in input order', () => {
    const checked = checkBulkRows(
      [
        { line: 5, name: 'Nobody' },
        { line: 6, email: 'not-an-email' },
        { line: 7, phone: 'call me' },
        { line: 8, email: 'ana@example.org' },
      ],
      options,
    );

    expect(checked.map((row) => [row.line, row.problem])).toEqual([
      [5, 'missing_contact'],
      [6, 'invalid_email'],
      [7, 'invalid_phone'],
      [8, null],
    ]);
  });
});

describe('bulkJsonSchema', () => {
  const inviter = { userId: 'user-bob', roles: ['admin'] };

  test('accepts a pasted list, defaulting send to true and phoneConsent to false', () => {
    expect(bulkJsonSchema.parse({ emails: 'ana@example.org', inviter })).toEqual({
      emails: 'ana@example.org',
      inviter,
      send: true,
      phoneConsent: false,
    });
  });

  test('accepts entries with invalid contacts, left to the per-row checks', () => {
    const data = bulkJsonSchema.parse({
      entries: [{ email: 'not-an-email', phone: 'call me', roles: ['admin'] }],
      inviter,
      send: false,
      phoneCountry: 'fr',
      phoneConsent: true,
      roles: ['member'],
      groups: ['eng'],
    });

    expect(data).toMatchObject({ send: false, phoneCountry: 'FR', phoneConsent: true, roles: ['member'] });
    expect(data.entries).toEqual([{ email: 'not-an-email', phone: 'call me', roles: ['admin'] }]);
  });

  test.each([
    ['both', { emails: 'ana@example.org', entries: [{ email: 'ana@example.org' }] }],
    ['neither', {}],
  ])('refuses %s of emails and entries with an issue at the root', (_, input) => {
    const result = bulkJsonSchema.safeParse({ ...input, inviter });

    expect(result.success).toBe(false);
    expect(result.error?.issues).toEqual([
      expect.objectContaining({ path: [], message: 'needs emails or entries, not both' }),
    ]);
  });

  test('refuses an unknown phone country, an empty roles list and a missing inviter', () => {
    const result = bulkJsonSchema.safeParse({ emails: 'ana@example.org', phoneCountry: 'France', roles: [] });

    expect(result.error?.issues.map((issue) => issue.path)).toEqual(
      expect.arrayContaining([['phoneCountry'], ['roles'], ['inviter']]),
    );
  });

  test('refuses more than maxBulkRows entries', () => {
    const entries = Array.from({ length: maxBulkRows + 1 }, () => ({ email: 'ana@example.org' }));

    expect(bulkJsonSchema.safeParse({ entries, inviter }).success).toBe(false);
  });
});

describe('bulkCsvQuerySchema', () => {
  test('reads comma-separated lists and defaults send to true and phoneConsent to false', () => {
    expect(bulkCsvQuerySchema.parse({ inviterUserId: ' user-bob ', inviterRoles: 'admin, owner,' })).toEqual({
      inviterUserId: 'user-bob',
      inviterRoles: ['admin', 'owner'],
      send: true,
      phoneConsent: false,
    });
  });

  test('reads every setting', () => {
    const data = bulkCsvQuerySchema.parse({
      inviterUserId: 'user-bob',
      inviterRoles: 'admin',
      inviterName: 'Bob',
      roles: 'member,viewer',
      groups: 'eng, ops',
      send: 'false',
      locale: 'fr',
      phoneCountry: 'es',
      phoneConsent: 'true',
    });

    expect(data).toEqual({
      inviterUserId: 'user-bob',
      inviterRoles: ['admin'],
      inviterName: 'Bob',
      roles: ['member', 'viewer'],
      groups: ['eng', 'ops'],
      send: false,
      locale: 'fr',
      phoneCountry: 'ES',
      phoneConsent: true,
    });
  });

  test.each([
    ['no inviterRoles', { inviterUserId: 'user-bob' }, 'inviterRoles'],
    ['empty inviterRoles', { inviterUserId: 'user-bob', inviterRoles: ' , ' }, 'inviterRoles'],
    ['no inviterUserId', { inviterRoles: 'admin' }, 'inviterUserId'],
    ['send not a boolean', { inviterUserId: 'user-bob', inviterRoles: 'admin', send: 'yes' }, 'send'],
    [
      'phoneConsent not a boolean',
      { inviterUserId: 'user-bob', inviterRoles: 'admin', phoneConsent: '1' },
      'phoneConsent',
    ],
    ['empty roles', { inviterUserId: 'user-bob', inviterRoles: 'admin', roles: '' }, 'roles'],
  ])('refuses %s', (_, query, field) => {
    const result = bulkCsvQuerySchema.safeParse(query);

    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path)).toEqual([[field]]);
  });
});
