import type { EntityManager } from '@mikro-orm/postgresql';
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
function keysetAfter(time: string, id: string, cursor: Cursor): Clause {
  const at = new Date(cursor.createdAt);
  return [`(${time} < ? or (${time} = ? and ${id} < ?))`, at, at, cursor.id];
}

export interface KeysetPage<View> {
  data: View[];
  nextCursor: string | null;
}

export interface KeysetQuery<Row> {
  /** `select … from …`, without where, order or limit. */
  select: string;
  filters: (Clause | false | '' | undefined)[];
  /** The columns the list is ordered by, newest first, and its cursors hold: a timestamptz and a text id. */
  time: keyof Row & string;
  id: keyof Row & string;
  cursor?: Cursor;
  limit: number;
}

/**
 * One page of a list, newest first, keyset-paginated on (`time`, `id`) so
 * pages stay stable while rows arrive. It reads `limit + 1` rows: the extra
 * one only says that another page follows, after this page's last row.
 */
export async function readKeysetPage<Row, View>(
  em: EntityManager,
  query: KeysetQuery<Row>,
  view: (row: Row) => View,
): Promise<KeysetPage<View>> {
  const { time, id, cursor, limit } = query;
  const where = joinClauses([...query.filters, cursor && keysetAfter(time, id, cursor)], ' and ');
  const rows = await em.execute<Row[]>(`${query.select} where ${where.sql} order by ${time} desc, ${id} desc limit ?`, [
    ...where.params,
    limit + 1,
  ]);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    data: page.map(view),
    nextCursor:
      rows.length > limit && last
        ? encodeCursor({ createdAt: new Date(String(last[time])).toISOString(), id: String(last[id]) })
        : null,
  };
}
