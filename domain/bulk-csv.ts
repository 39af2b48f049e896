import { CsvError, parse } from 'csv-parse/sync';
import { BulkInputError, bulkEntrySchema, checkRowCount, present, presentList, type BulkRowInput } from './bulk-input';

/**
 * Reading a CSV import into rows: its header's columns, each record's
 * physical line, and the limits of a JSON entry on every cell. What a row
 * may hold is checked afterwards, by the same rules as every other input
 * (bulk-input.ts).
 */
const csvColumns = ['email', 'phone', 'name', 'roles', 'groups'] as const;
type CsvColumn = (typeof csvColumns)[number];

/** What went wrong, in words that do not quote the cell (csv-parse's own messages do). */
const csvProblems: Partial<Record<CsvError['code'], string>> = {
  CSV_QUOTE_NOT_CLOSED: 'a quoted field is never closed',
  INVALID_OPENING_QUOTE: 'a quote inside an unquoted field; quote the whole field and double the quotes within',
  CSV_INVALID_CLOSING_QUOTE: 'a closing quote is followed by more text; double the quotes within a quoted field',
};

const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;

/**
 * The physical line a record starts on, given where the previous one ended
 * (asked in file order). csv-parse only tells where a record ends, by line and
 * byte, and counts a quoted CRLF as two lines; bytes are exact. Whitespace is
 * skipped because csv-parse drops blank lines without reporting them.
 */
function recordStartLines(bytes: Buffer): (previousEnd: number) => number {
  let offset = 0;
  let line = 1;
  return (previousEnd) => {
    let start = previousEnd;
    while ([LF, CR, SPACE, TAB].includes(bytes[start] ?? -1)) start += 1;
    for (; offset < start; offset += 1) {
      if (bytes[offset] === LF || (bytes[offset] === CR && bytes[offset + 1] !== LF)) line += 1;
    }
    return line;
  };
}

/** No text column holds U+0000 (PostgreSQL refuses it): a file with one is refused whole, at its line. */
function refuseNul(text: string): void {
  const at = text.indexOf('\u0000');
  if (at === -1) return;
  const line = text.slice(0, at).split(/\r\n|\r|\n/).length;
  throw new BulkInputError(`the CSV cannot be read at line ${line}: it holds a NUL character (U+0000)`, 'body');
}

function readCsvRecords(text: string): { line: number; cells: string[] }[] {
  refuseNul(text);
  const bytes = Buffer.from(text.replace(/^\uFEFF/, ''), 'utf8');
  const startLine = recordStartLines(bytes);
  const records: { line: number; cells: string[] }[] = [];
  let parsedUpTo = 0;
  try {
    parse(bytes, {
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
      on_record: (cells: string[], info) => {
        records.push({ line: startLine(parsedUpTo), cells });
        parsedUpTo = info.bytes;
        return null;
      },
    });
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    const problem = csvProblems[error.code] ?? 'not well-formed CSV';
    throw new BulkInputError(`the CSV cannot be read at line ${startLine(parsedUpTo)}: ${problem}`, 'body');
  }
  // Spreadsheets export blank rows as ",,,": as empty as an empty line.
  return records.filter((record) => record.cells.some((cell) => cell.trim() !== ''));
}

export function parseCsv(text: string): BulkRowInput[] {
  const [header, ...rows] = readCsvRecords(text);
  const names = header?.cells.map((name) => name.trim().toLowerCase()) ?? [];
  const columns = new Map<CsvColumn, number>();
  for (const column of csvColumns) {
    const index = names.indexOf(column);
    if (index !== -1) columns.set(column, index);
  }
  if (!columns.has('email') && !columns.has('phone')) {
    throw new BulkInputError(
      'the CSV needs a header row with an email or phone column, columns separated by commas',
      'body',
    );
  }
  checkRowCount(rows.length, 'body');
  return rows.map(({ line, cells }) => {
    const cell = (column: CsvColumn): string | undefined => {
      const index = columns.get(column);
      return index === undefined ? undefined : present(cells[index]);
    };
    const row = {
      line,
      email: cell('email'),
      phone: cell('phone'),
      name: cell('name'),
      roles: presentList(cell('roles')?.split(/[;|]/)),
      groups: presentList(cell('groups')?.split(/[;|]/)),
    };
    checkCsvCells(row);
    return row;
  });
}

/**
 * A CSV row's cells are held to the limits of a JSON entry (bulkEntrySchema),
 * so no file can carry a cell that a request could not: a 3 MB name would
 * pass the row checks and fail every start of its invitation.
 */
function checkCsvCells({ line, ...cells }: BulkRowInput): void {
  const checked = bulkEntrySchema.safeParse(cells);
  if (checked.success) return;
  const issue = checked.error.issues[0]!;
  const message = `line ${line}, ${issue.path.join('.')}: ${issue.message}`;
  throw new BulkInputError(message, 'body');
}
