import { Migration } from '@mikro-orm/migrations';

/**
 * Bulk invitations: one import and its rows, each row with its outcome. A row
 * gets its invitation id when it is checked, so starting it again after a
 * crash starts the same invitation.
 */
export class Migration20261130000000 extends Migration {
  override up(): void {
    this.addSql(`
      create table bulk_imports (
        id text primary key,
        workspace_id text not null references workspaces (id),
        status text not null check (status in ('running', 'completed', 'cancelled')),
        inviter jsonb not null,
        send boolean not null,
        locale text null,
        phone_consent boolean not null,
        created_at timestamptz not null default now(),
        finished_at timestamptz null
      )`);
    this.addSql(`
      create table bulk_rows (
        bulk_id text not null references bulk_imports (id) on delete cascade,
        line int not null check (line > 0),
        email text null,
        phone text null,
        name text null,
        roles jsonb not null,
        groups jsonb not null,
        outcome text not null check (outcome in ('pending', 'sent', 'failed', 'skipped')),
        code text null,
        invitation_id text not null,
        primary key (bulk_id, line)
      )`);
    this.addSql(`create index bulk_rows_pending_index on bulk_rows (bulk_id, line) where outcome = 'pending'`);
    this.addSql('create index bulk_rows_invitation_id_index on bulk_rows (invitation_id)');
  }

  override down(): void {
    this.addSql('drop table bulk_rows');
    this.addSql('drop table bulk_imports');
  }
}
