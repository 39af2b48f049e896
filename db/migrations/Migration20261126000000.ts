import { Migration } from '@mikro-orm/migrations';

/** Per-workspace email template overrides, by template and language. */
export class Migration20261126000000 extends Migration {
  override up(): void {
    this.addSql(`
      create table email_templates (
        workspace_id text not null references workspaces (id),
        name text not null check (name in ('invitation', 'reminder')),
        locale text not null,
        subject text not null,
        html text not null,
        text text not null,
        updated_at timestamptz not null default now(),
        primary key (workspace_id, name, locale)
      )`);
  }

  override down(): void {
    this.addSql('drop table email_templates');
  }
}
