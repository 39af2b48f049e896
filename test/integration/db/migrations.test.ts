import { ForeignKeyConstraintViolationException } from '@mikro-orm/core';
import type { MikroORM } from '@mikro-orm/postgresql';
import { workspaceSettingsSchema } from '../../../domain/workspace';
import { WorkspaceSchema } from '../../../db/entities';
import { createOrm, isDatabaseReady, migrate } from '../../../db/orm';
import { freePort } from '../../../embedded/free-port';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../../embedded/postgres';
import { listInvitations } from '../../../store/invitations';
import { createTestDatabase } from '../../support/database';

const migrations = ['Migration20261121000000'];

const tables = [
  'api_keys',
  'bulk_imports',
  'bulk_rows',
  'email_templates',
  'idempotency_keys',
  'invitation_codes',
  'invitation_events',
  'invitation_starts',
  'invitations',
  'invite_link_redemptions',
  'invite_links',
  'join_attempts',
  'members',
  'mikro_orm_migrations',
  'open_invitations',
  'payload_key_checks',
  'sent_messages',
  'suppressed_addresses',
  'webhook_attempts',
  'webhook_deliveries',
  'webhook_endpoints',
  'workspaces',
];

let postgres: EmbeddedPostgres;
let orm: MikroORM;

beforeAll(async () => {
  postgres = await startEmbeddedPostgres();
  orm = await createOrm(postgres.url);
});

afterAll(async () => {
  await orm?.close(true);
  await postgres?.stop();
});

// One cluster for the file; the tests run in order and build on each other's state.
async function publicTables(): Promise<string[]> {
  const rows = await orm.em
    .getConnection()
    .execute<{ table_name: string }[]>(
      "select table_name from information_schema.tables where table_schema = 'public' order by table_name",
    );
  return rows.map((row) => row.table_name);
}

test('the first migrate applies the initial migration', async () => {
  expect(await migrate(orm)).toEqual(migrations);
});

test('a second migrate applies nothing', async () => {
  expect(await migrate(orm)).toEqual([]);
});

test('every table exists', async () => {
  expect(await publicTables()).toEqual(tables);
});

test('the listing, email and phone indexes exist on invitations', async () => {
  const rows = await orm.em
    .getConnection()
    .execute<{ indexname: string; indexdef: string }[]>(
      "select indexname, indexdef from pg_indexes where schemaname = 'public' and tablename = 'invitations' order by indexname",
    );
  const definitions = Object.fromEntries(rows.map((row) => [row.indexname, row.indexdef]));
  expect(definitions['invitations_workspace_id_status_created_at_id_index']).toContain(
    '(workspace_id, status, created_at DESC, id)',
  );
  expect(definitions['invitations_workspace_id_email_key_index']).toContain('(workspace_id, email_key)');
  expect(definitions['invitations_phone_index']).toContain('(phone)');
});

test('a workspace round-trips through the EntityManager, an invitation through SQL and the store', async () => {
  const settings = workspaceSettingsSchema.parse({ roles: ['admin', 'member', 'viewer'] });
  const writer = orm.em.fork();
  writer.create(WorkspaceSchema, { id: 'acme', name: 'Acme', settings });
  await writer.flush();
  await writer.execute(
    `insert into invitations (id, workspace_id, status, email, email_key, phone, name, roles, groups, channels,
       inviter, locale, send_count, created_at, version)
     values ('inv_1', 'acme', 'registered', 'Ana@Example.org', 'ana@example.org', '+33612345678', 'Ana',
       '["viewer"]', '["team-a"]', '["email", "sms"]', '{"userId": "u_1", "roles": ["admin"]}', 'fr', 0, ?, 1)`,
    ['2026-11-21T10:00:00.123Z'],
  );

  // A fresh fork has an empty identity map: what follows comes from the database.
  const reader = orm.em.fork();
  const workspace = await reader.findOneOrFail(WorkspaceSchema, 'acme');
  expect(workspace.settings).toEqual(settings);
  expect(workspace.createdAt).toBeInstanceOf(Date);
  const { data } = await listInvitations(orm, { workspaceId: 'acme', email: 'ana@example.org', limit: 1 });
  expect(data).toEqual([
    expect.objectContaining({
      id: 'inv_1',
      status: 'registered',
      invitee: { email: 'Ana@Example.org', phone: '+33612345678', name: 'Ana', userId: null, phoneConsent: false },
      roles: ['viewer'],
      groups: ['team-a'],
      channels: ['email', 'sms'],
      inviter: { userId: 'u_1', roles: ['admin'] },
      sendCount: 0,
      expiresAt: null,
      createdAt: '2026-11-21T10:00:00.123Z',
    }),
  ]);
  const [stamped] = await reader.execute<{ updated_at: string }[]>(
    `select updated_at from invitations where id = 'inv_1'`,
  );
  expect(Date.parse(stamped!.updated_at)).not.toBeNaN();
});

test('an invitation cannot point at a workspace that does not exist', async () => {
  await expect(
    orm.em.fork().execute(
      `insert into invitations (id, workspace_id, status, user_id, roles, groups, channels, inviter, send_count,
         created_at, version)
       values ('inv_orphan', 'nowhere', 'registered', 'u_2', '[]', '[]', '[]', '{"userId": "u_1", "roles": ["admin"]}',
         0, now(), 1)`,
    ),
  ).rejects.toBeInstanceOf(ForeignKeyConstraintViolationException);
});

test('down drops everything but the migrations table, and up brings it back', async () => {
  const reverted = await orm.getMigrator().down({ to: 0 });
  expect(reverted.map((migration) => migration.name)).toEqual([...migrations].reverse());
  expect(await publicTables()).toEqual(['mikro_orm_migrations']);

  expect(await migrate(orm)).toEqual(migrations);
  expect(await publicTables()).toEqual(tables);
});

test('isDatabaseReady tells a reachable database from an unreachable one', async () => {
  expect(await isDatabaseReady(orm)).toBe(true);

  const unreachable = await createOrm(postgres.url.replace(/:\d+\//, `:${await freePort()}/`));
  try {
    expect(await isDatabaseReady(unreachable)).toBe(false);
  } finally {
    await unreachable.close(true);
  }
});

test('processes migrating one fresh database at once apply each migration once', async () => {
  const url = await createTestDatabase();
  const orms = await Promise.all([createOrm(url), createOrm(url), createOrm(url)]);
  try {
    const applied = await Promise.all(orms.map((each) => migrate(each)));
    expect(applied.map((names) => names.length).sort((a, b) => a - b)).toEqual([0, 0, migrations.length]);
  } finally {
    await Promise.all(orms.map((each) => each.close(true)));
  }
});
