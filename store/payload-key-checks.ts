import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';

export interface KeyCheck {
  id: string;
  check: string;
}

/** The payload keys the database's runs were written with, by id, oldest first. */
export async function knownKeyChecks(em: EntityManager): Promise<KeyCheck[]> {
  const rows = await em.execute<{ key_id: string; key_check: string }[]>(
    'select key_id, key_check from payload_key_checks order by created_at, key_id',
  );
  return rows.map((row) => ({ id: row.key_id, check: row.key_check }));
}

/** Records keys new to the database; a known id keeps the check it was first recorded with. */
export async function recordKeyChecks(em: EntityManager, checks: KeyCheck[]): Promise<void> {
  await em.execute(
    `insert into payload_key_checks (key_id, key_check) values ${checks.map(() => '(?, ?)').join(', ')}
     on conflict (key_id) do nothing`,
    checks.flatMap((check) => [check.id, check.check]),
  );
}

/** Answers whether the key was known. */
export async function forgetKeyCheck(orm: MikroORM, id: string): Promise<boolean> {
  const removed = await orm.em
    .fork()
    .execute<unknown[]>('delete from payload_key_checks where key_id = ? returning key_id', [id]);
  return removed.length > 0;
}
