import { encodeCursor, type Cursor } from '../domain/cursor';

/** A piece of SQL and the values of its `?` placeholders, in order. */
export type Clause = [sql: string, ...params: unknown[]];

/** The clauses given, joined by `separator`; a falsy entry is a filter not asked for and is left out. */
export function joinClauses(
  clauses: (Clause | false | '' | undefined)[],
  separator: string,
): { sql: string; params: unknown[] } {
  const given = clauses.filter((clause): clause is Clause => Boolean(clause));
  return { sql: given.map(([sql]) => sql).join(separator), params: given.flatMap(([, ...params]) => params) };
}

/**
 * The rows after `cursor` in a list ordered by (`time` desc, `id` desc). The
 * cursor's time is read as a Date, to the millisecond, as the list wrote it.
 */
export function keysetAfter(time: string, id: string, cursor: Cursor): Clause {
  const at = new Date(cursor.createdAt);
  return [`(${time} < ? or (${time} = ? and ${id} < ?))`, at, at, cursor.id];
}

export interface KeysetPage<View> {
  data: View[];
  nextCursor: string | null;
}

/**
 * One page of a list read with `limit + 1` rows: the extra row, when there is
 * one, only says that another page follows, which starts after the page's last row.
 */
export function keysetPage<Row, View>(
  rows: Row[],
  limit: number,
  view: (row: Row) => View,
  cursorOf: (row: Row) => Cursor,
): KeysetPage<View> {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    data: page.map(view),
    nextCursor: rows.length > limit && last ? encodeCursor(cursorOf(last)) : null,
  };
}
