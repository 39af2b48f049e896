import { Migration } from '@mikro-orm/migrations';

/**
 * Claims that make "one open invitation per person per workspace" hold across
 * API processes, and the store behind `Idempotency-Key`.
 */
export class Migration20261122000000 extends Migration {
  override up(): void {
    this.addSql(`
      create table open_invitations (
        workspace_id text not null references workspaces (id),
        person_key text not null,
        invitation_id text not null,
        claimed_at timestamptz not null default now(),
        primary key (workspace_id, person_key)
      )`);
    this.addSql('create index open_invitations_invitation_id_index on open_invitations (invitation_id)');
    this.addSql(`
      create table idempotency_keys (
        api_key_id text not null,
        key text not null,
        request_hash text not null,
        status_code integer null,
        response_body jsonb null,
        created_at timestamptz not null default now(),
        primary key (api_key_id, key)
      )`);
    this.addSql('create index idempotency_keys_created_at_index on idempotency_keys (created_at)');
  }

  override down(): void {
    this.addSql('drop table idempotency_keys');
    this.addSql('drop table open_invitations');
  }
}
