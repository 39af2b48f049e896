import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Client, type QueryResultRow } from 'pg';
import { startEmbeddedPostgres } from '../../../embedded/postgres';

async function queryOne<Row extends QueryResultRow>(url: string, sql: string): Promise<Row | undefined> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<Row>(sql)).rows[0];
  } finally {
    await client.end();
  }
}

describe('embedded postgres', () => {
  let dataDir: string;

  beforeEach(() => {
    dataDir = join(tmpdir(), `inviteflow-pg-test-${randomUUID()}`);
  });

  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('serves the inviteflow database, creates isolated databases and discards its data on stop', async () => {
    const postgres = await startEmbeddedPostgres({ dataDir });
    try {
      await expect(queryOne(postgres.url, 'select 1 as one, current_database() as db')).resolves.toEqual({
        one: 1,
        db: 'inviteflow',
      });

      const isolatedUrl = await postgres.createDatabase('invitations_test_1');
      await expect(queryOne(isolatedUrl, 'select current_database() as db')).resolves.toEqual({
        db: 'invitations_test_1',
      });
      await expect(postgres.createDatabase('invitations_test_1')).rejects.toThrow(/already exists/);
    } finally {
      await postgres.stop();
    }
    expect(existsSync(dataDir)).toBe(false);
    await expect(queryOne(postgres.url, 'select 1')).rejects.toThrow(/ECONNREFUSED/);
  });

  it('keeps a persistent cluster across restarts', async () => {
    const first = await startEmbeddedPostgres({ dataDir, persistent: true });
    try {
      await queryOne(first.url, "create table invitation as select 'kept' as id");
    } finally {
      await first.stop();
    }
    expect(existsSync(join(dataDir, 'PG_VERSION'))).toBe(true);

    const second = await startEmbeddedPostgres({ dataDir, persistent: false });
    try {
      await expect(queryOne(second.url, 'select id from invitation')).resolves.toEqual({ id: 'kept' });
    } finally {
      await second.stop();
    }
    expect(existsSync(dataDir)).toBe(false);
  });
});
