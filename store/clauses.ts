import type { Cursor } from '../domain/cursor';

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
