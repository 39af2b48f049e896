import { Migration } from '@mikro-orm/migrations';

/**
 * Workspace invitation codes, and the log of failed attempts to join with
 * one. A code joins its workspace alone, so codes are unique across all
 * workspaces. The log holds keyed hashes of who tried, never the code tried.
 */
export class Migration20261128000000 extends Migration {
  override up(): void {
    this.addSql(`
      create table invitation_codes (
        workspace_id text not null constraint invitation_codes_pkey primary key
          constraint invitation_codes_workspace_id_foreign references workspaces (id),
        code text not null constraint invitation_codes_code_unique unique,
        disabled boolean not null default false,
        expires_at timestamptz null,
        max_uses integer null constraint invitation_codes_max_uses_check check (max_uses > 0),
        uses integer not null default 0,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      )`);
    this.addSql(`
      create table join_attempts (
        id bigint generated always as identity constraint join_attempts_pkey primary key,
        kind text not null constraint join_attempts_kind_check check (kind in ('ip', 'user', 'global')),
        key text not null,
        at timestamptz not null default now()
      )`);
    this.addSql('create index join_attempts_kind_key_at_index on join_attempts (kind, key, at desc)');
    this.addSql('create index join_attempts_at_index on join_attempts (at)');
  }

  override down(): void {
    this.addSql('drop table join_attempts');
    this.addSql('drop table invitation_codes');
  }
}
