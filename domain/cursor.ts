import { timestampSchema } from './timestamp';
import { holdsControlCharacter, isStorable } from './text';

/** A keyset position in a newest-first list: the (time, id) of the last row of the previous page. */
export interface Cursor {
  createdAt: string;
  id: string;
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAt, cursor.id])).toString('base64url');
}

export function decodeCursor(text: string): Cursor | undefined {
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as unknown[];
    // A cursor is the client's to send back: what it holds reaches SQL, so it must be what this API would issue.
    const issued =
      typeof createdAt === 'string' &&
      typeof id === 'string' &&
      timestampSchema.safeParse(createdAt).success &&
      isStorable(id) &&
      !holdsControlCharacter(id);
    if (issued) return { createdAt, id };
  } catch {
    // falls through: not a cursor we issued
  }
  return undefined;
}
