import { randomBytes } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import { createOrm, migrate } from '../../db/orm';
import { testServers } from './servers';

/** A database of its own for a test file, next to the run's maintenance database. */
export async function createTestDatabase(): Promise<string> {
  const { databaseUrl } = testServers();
  const name = `test_${randomBytes(6).toString('hex')}`;
  const orm = await createOrm(databaseUrl);
  try {
    await orm.em.getConnection().execute(`create database ${name}`);
  } finally {
    await orm.close();
  }
  const url = new URL(databaseUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** A fresh, migrated database. */
export async function openTestDatabase(): Promise<MikroORM> {
  const orm = await createOrm(await createTestDatabase());
  await migrate(orm);
  return orm;
}
