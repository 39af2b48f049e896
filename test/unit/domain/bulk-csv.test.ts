import { parseCsv } from '../../../domain/bulk-csv';
import { BulkInputError, maxBulkRows } from '../../../domain/bulk-input';
import { thrownBy } from '../../support/thrown';

const bulkInputError = (read: () => unknown): BulkInputError => thrownBy(BulkInputError, read);

function csvOfRows(count: number): string {
  const rows = Array.from({ length: count }, (_, index) => `person${index}@example.org`);
  return ['email', ...rows].join('\n');
}

describe('parseCsv', () => {
  test('reads the columns it knows, with line numbers counting the header as line 1', () => {
    const rows = parseCsv('email,phone,name,roles,groups\nana@example.org,+33612345678,Ana,admin,eng\n');

    expect(rows).toEqual([
      { line: 2, email: 'ana@example.org', phone: '+33612345678', name: 'Ana', roles: ['admin'], groups: ['eng'] },
    ]);
  });

  test('skips a UTF-8 byte order mark before the header', () => {
    expect(parseCsv('\uFEFFemail,name\nana@example.org,Ana')).toEqual([
      { line: 2, email: 'ana@example.org', name: 'Ana' },
    ]);
  });

  test('matches column names case-insensitively and trimmed, and ignores unknown columns', () => {
    const rows = parseCsv(' EMAIL ,Notes,  Name\t,Phone\nana@example.org,likes tea,Ana,+33612345678');

    expect(rows).toEqual([{ line: 2, email: 'ana@example.org', name: 'Ana', phone: '+33612345678' }]);
  });

  test('reads quoted fields holding commas, escaped quotes and newlines, and keeps counting physical lines', () => {
    const csv = [
      'email,name',
      'ana@example.org,"Doe, Ana"',
      '"bob@example.org","Bob ""the builder"""',
      'carl@example.org,"Carl',
      'on two lines"',
      'dee@example.org,Dee',
    ].join('\n');

    expect(parseCsv(csv)).toEqual([
      { line: 2, email: 'ana@example.org', name: 'Doe, Ana' },
      { line: 3, email: 'bob@example.org', name: 'Bob "the builder"' },
      { line: 4, email: 'carl@example.org', name: 'Carl\non two lines' },
      { line: 6, email: 'dee@example.org', name: 'Dee' },
    ]);
  });

  test('counts a CRLF inside a quoted field as one line', () => {
    const csv = 'email,name\r\nana@example.org,"Ana\r\nDoe"\r\nbob@example.org,Bob\r\n';

    expect(parseCsv(csv).map((row) => row.line)).toEqual([2, 4]);
  });

  test('counts lines right after non-ASCII text, which csv-parse measures in bytes', () => {
    const csv = 'email,name\nzoe@example.org,"Zoë 🌻\nŽofie"\n\nbob@example.org,Bob\n';

    expect(parseCsv(csv).map((row) => row.line)).toEqual([2, 5]);
  });

  test('skips empty lines, blank lines and rows of empty cells, keeping the lines of the others', () => {
    const csv = 'email,name\n\nana@example.org,Ana\n   \n,\n\r\nbob@example.org,Bob\n\n';

    expect(parseCsv(csv)).toEqual([
      { line: 3, email: 'ana@example.org', name: 'Ana' },
      { line: 7, email: 'bob@example.org', name: 'Bob' },
    ]);
  });

  test('reads empty and missing cells as absent, and ignores extra cells', () => {
    const rows = parseCsv('email,phone,name\nana@example.org,,\n,+33612345678\nbob@example.org,, Bob ,extra');

    expect(rows).toEqual([
      { line: 2, email: 'ana@example.org' },
      { line: 3, phone: '+33612345678' },
      { line: 4, email: 'bob@example.org', name: 'Bob' },
    ]);
  });

  test('splits roles and groups cells on ";" and "|", trimmed, an empty list read as absent', () => {
    const rows = parseCsv(
      'email,roles,groups\nana@example.org,admin; member,eng|ops ; design\nbob@example.org, ;| ,"a;b|c"',
    );

    expect(rows).toEqual([
      { line: 2, email: 'ana@example.org', roles: ['admin', 'member'], groups: ['eng', 'ops', 'design'] },
      { line: 3, email: 'bob@example.org', groups: ['a', 'b', 'c'] },
    ]);
  });

  test('accepts a header with a phone column and no email column', () => {
    expect(parseCsv('Phone\n+33612345678')).toEqual([{ line: 2, phone: '+33612345678' }]);
  });

  test('refuses a header without an email or phone column, at body', () => {
    const error = bulkInputError(() => parseCsv('name,roles\nAna,admin'));

    expect(error.field).toBe('body');
    expect(error.tooLarge).toBe(false);
    expect(error.message).toMatch(/email or phone column/);
  });

  test('refuses a header whose columns are not separated by commas', () => {
    expect(bulkInputError(() => parseCsv('email;name\nana@example.org;Ana')).field).toBe('body');
  });

  test('refuses a NUL character anywhere, which no text column can hold, at its physical line', () => {
    const error = bulkInputError(() => parseCsv('email,name\r\nana@example.org,Ana\rbo@example.org,B\u0000b\n'));

    expect(error.field).toBe('body');
    expect(error.message).toBe('the CSV cannot be read at line 3: it holds a NUL character (U+0000)');
  });

  test('refuses an empty file, at body', () => {
    expect(bulkInputError(() => parseCsv('\uFEFF\n\n')).field).toBe('body');
  });

  test('refuses an unclosed quote, naming the line the row starts on and not its content', () => {
    const error = bulkInputError(() => parseCsv('email,name\nana@example.org,Ana\nbob@example.org,"Bob\nDoe\n'));

    expect(error.field).toBe('body');
    expect(error.tooLarge).toBe(false);
    expect(error.message).toMatch(/line 3\b/);
    expect(error.message).toMatch(/quoted field is never closed/);
    expect(error.message).not.toMatch(/bob|Doe/i);
  });

  test('refuses a quote inside an unquoted field, naming the line and not the content', () => {
    const error = bulkInputError(() => parseCsv('email,name\nana@example.org,Ana\n\nbob@example.org,Bob "B" Doe\n'));

    expect(error.message).toMatch(/line 4\b/);
    expect(error.message).not.toMatch(/bob|Doe/i);
  });

  test(`accepts exactly ${maxBulkRows} rows and refuses one more as too large`, () => {
    const rows = parseCsv(csvOfRows(maxBulkRows));
    expect(rows).toHaveLength(maxBulkRows);
    expect(rows.at(-1)).toEqual({ line: maxBulkRows + 1, email: `person${maxBulkRows - 1}@example.org` });

    const error = bulkInputError(() => parseCsv(csvOfRows(maxBulkRows + 1)));
    expect(error.field).toBe('body');
    expect(error.tooLarge).toBe(true);
  });
});

describe('parseCsv: cells are held to the limits of a JSON entry', () => {
  test.each([
    ['name', `email,name\na@example.org,${'n'.repeat(201)}`, 'line 2, name'],
    ['email', `email\n${'e'.repeat(250)}@example.org`, 'line 2, email'],
    ['roles', `email,roles\na@example.org,${Array.from({ length: 33 }, (_, n) => `r${n}`).join('|')}`, 'line 2, roles'],
  ])('%s past its limit: a BulkInputError naming the line and column, never the cell', (_column, csv, named) => {
    const error = bulkInputError(() => parseCsv(csv));
    expect(error.message).toContain(named);
    expect(error.field).toBe('body');
    expect(error.message).not.toMatch(/nnnn|eeee/);
  });

  test('at the limits, a row is read', () => {
    expect(parseCsv(`email,name\na@example.org,${'n'.repeat(200)}`)).toHaveLength(1);
  });
});
