import type { EntityManager } from '@mikro-orm/postgresql';
import type { AttemptKind, AttemptLimits } from '../domain/rate-limit';

export interface AttemptKey {
  kind: AttemptKind;
  key: string;
}

/** `now()` less the window, given in milliseconds as a parameter. */
const windowStart = "now() - ?::double precision * interval '1 millisecond'";

/** Logs a try under each key, pruning entries older than the window on the way: the log stays as small as the window. */
export async function logAttempts(em: EntityManager, keys: AttemptKey[], windowMs: number): Promise<string[]> {
  const rows = await em.execute<{ id: string }[]>(
    `with pruned as (delete from join_attempts where at < ${windowStart})
     insert into join_attempts (kind, key) values ${keys.map(() => '(?, ?)').join(', ')} returning id`,
    [windowMs, ...keys.flatMap(({ kind, key }) => [kind, key])],
  );
  return rows.map((row) => row.id);
}

/**
 * For each key at its cap, the cap-th most recent other try in the window
 * (when it leaves, a slot frees), and the database's clock to measure from.
 */
export async function blockingAttempts(
  em: EntityManager,
  keys: AttemptKey[],
  own: string[],
  limits: AttemptLimits,
): Promise<{ blocking: Date[]; now: Date }> {
  const rows = await em.execute<{ at: string; now: string }[]>(
    keys
      .map(
        () => `(select at, now() as now from join_attempts
                where kind = ? and key = ? and at > ${windowStart}
                ${own.length > 0 ? `and id not in (${own.map(() => '?').join(', ')})` : ''}
                order by at desc offset ? limit 1)`,
      )
      .join(' union all '),
    keys.flatMap(({ kind, key }) => [kind, key, limits.windowMs, ...own, limits.caps[kind] - 1]),
  );
  return { blocking: rows.map((row) => new Date(row.at)), now: rows[0] ? new Date(rows[0].now) : new Date() };
}

/** Takes logged tries back. */
export async function dropAttempts(em: EntityManager, own: string[]): Promise<void> {
  if (own.length > 0) await em.execute(`delete from join_attempts where id in (${own.map(() => '?').join(', ')})`, own);
}
