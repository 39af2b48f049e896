import { MikroORM } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { entities } from './entities';
import { migrationsList } from './migrations';

export interface OrmOptions {
  /** Logs every query (MikroORM's own console logger). */
  debug?: boolean;
  /** Upper bound of the connection pool; knex's default (10) when unset. */
  poolMax?: number;
}

export async function createOrm(databaseUrl: string, options: OrmOptions = {}): Promise<MikroORM> {
  return MikroORM.init({
    clientUrl: databaseUrl,
    entities,
    // Entities are EntitySchema with explicit types: no folder scan, no decorator metadata.
    discovery: { requireEntitiesArray: true },
    extensions: [Migrator],
    migrations: {
      migrationsList,
      tableName: 'mikro_orm_migrations',
      transactional: true,
      allOrNothing: true,
      // The caller logs what `migrate` returns through its own logger.
      silent: true,
    },
    // A mistyped URL must fail, not create a stray database.
    ensureDatabase: false,
    // Every unit of work forks its own EntityManager.
    allowGlobalContext: false,
    debug: options.debug ?? false,
    ...(options.poolMax === undefined ? {} : { pool: { max: options.poolMax } }),
  });
}

/**
 * Applies pending migrations and returns the names applied, in order (none
 * when up to date). API and worker processes starting together each
 * migrate: an advisory lock, held by a transaction of its own while the
 * migrator works on other connections, lets one apply them while the others
 * wait, then find nothing left to do.
 */
export async function migrate(orm: MikroORM): Promise<string[]> {
  return orm.em
    .getConnection()
    .getKnex()
    .transaction(async (lock) => {
      await lock.raw('select pg_advisory_xact_lock(hashtext(?))', [migrationLock]);
      const applied = await orm.getMigrator().up();
      return applied.map((migration) => migration.name);
    });
}

const migrationLock = 'inviteflow:migrations';

/** Whether the database answers `select 1` now: for /readyz, never throws. */
export async function isDatabaseReady(orm: MikroORM): Promise<boolean> {
  return orm.isConnected();
}
