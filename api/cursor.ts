import { decodeCursor, type Cursor } from '../domain/cursor';
import { Problem } from './problem';

/** The `cursor` query parameter of a list, or a 422 naming it when it is not one this API issued. */
export function cursorFromQuery(text: string | undefined): Cursor | undefined {
  if (text === undefined) return undefined;
  const cursor = decodeCursor(text);
  if (!cursor) {
    throw new Problem('validation_failed', 'invalid query: cursor is not one this API issued', [
      { field: 'query.cursor', message: 'is not a cursor this API issued' },
    ]);
  }
  return cursor;
}
