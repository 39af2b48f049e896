import { Migration } from '@mikro-orm/migrations';

/**
 * The schema, hand-written and in one baseline until a release holds data
 * that a later migration must carry: the SQL is the source of truth for
 * constraints and indexes, the entities only map columns, so MikroORM's schema
 * generator would see them as drift and must not be pointed at this database.
 */
export class Migration20261121000000 extends Migration {
  override up(): void {
    this.addSql(`
      create table workspaces (
        id text primary key,
        name text not null,
        settings jsonb not null,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      )`);

    // Deleting a workspace that still has invitations, members or keys is refused
    // (no cascade): that clean-up is a decision for the API, not a side effect.
    this.addSql(`
      create table invitations (
        id text primary key,
        workspace_id text not null constraint invitations_workspace_id_foreign references workspaces (id),
        status text not null constraint invitations_status_check
          check (status in ('requested', 'registered', 'pending', 'accepted', 'declined', 'expired', 'revoked')),
        email text null,
        email_key text null,
        phone text null,
        name text null,
        user_id text null,
        roles jsonb not null,
        groups jsonb not null,
        channels jsonb not null,
        inviter jsonb not null,
        locale text null,
        send_count int not null,
        last_sent_at timestamptz null,
        expires_at timestamptz null,
        created_at timestamptz not null,
        accepted_at timestamptz null,
        accepted_by text null,
        version int not null constraint invitations_version_check check (version > 0),
        updated_at timestamptz not null default now(),
        -- Whether the invitee consented to the use of their phone for matching at sign-up.
        phone_consent boolean not null default false,
        erased_at timestamptz null
      )`);
    // Listing newest first within a status, with (created_at, id) as the keyset cursor.
    this.addSql(
      'create index invitations_workspace_id_status_created_at_id_index on invitations (workspace_id, status, created_at desc, id)',
    );
    // Listing without a status filter.
    this.addSql(
      'create index invitations_workspace_id_created_at_id_index on invitations (workspace_id, created_at desc, id)',
    );
    this.addSql('create index invitations_workspace_id_email_key_index on invitations (workspace_id, email_key)');
    this.addSql('create index invitations_phone_index on invitations (phone)');
    // Registrations look invitations up by email across workspaces.
    this.addSql('create index invitations_email_key_index on invitations (email_key)');

    this.addSql(`
      create table invitation_events (
        invitation_id text not null constraint invitation_events_invitation_id_foreign
          references invitations (id) on delete cascade,
        seq int not null constraint invitation_events_seq_check check (seq > 0),
        type text not null constraint invitation_events_type_check
          check (type in ('created', 'requested', 'sent', 'resent', 'reminded', 'accepted', 'declined', 'expired',
            'revoked', 'rejected', 'changed', 'delivery_failed', 'delivered', 'erased')),
        at timestamptz not null,
        by text null,
        -- What failed, for delivery_failed.
        detail text null,
        -- The provider's id of the message an event is about.
        message_id text null,
        -- How an invitation was accepted.
        method text null,
        -- How an email bounced, and whether its recipient complained, for delivery_failed from a provider.
        bounce_type text null constraint invitation_events_bounce_type_check check (bounce_type in ('hard', 'soft')),
        complaint boolean null,
        constraint invitation_events_pkey primary key (invitation_id, seq)
      )`);

    this.addSql(`
      create table members (
        workspace_id text not null constraint members_workspace_id_foreign references workspaces (id),
        user_id text not null,
        roles jsonb not null,
        groups jsonb not null,
        status text not null constraint members_status_check check (status in ('active', 'disabled')),
        joined_via text not null constraint members_joined_via_check check (joined_via in ('invitation', 'code', 'match', 'domain', 'link')),
        invitation_id text null constraint members_invitation_id_foreign
          references invitations (id) on delete set null,
        joined_at timestamptz not null,
        -- A guest's membership ends then, and who answers for it; both null for a member without an end.
        expires_at timestamptz null,
        sponsor_id text null,
        constraint members_pkey primary key (workspace_id, user_id)
      )`);

    this.addSql(`
      create table api_keys (
        id text primary key,
        name text not null,
        key_hash text not null constraint api_keys_key_hash_unique unique,
        scope text not null constraint api_keys_scope_check check (scope in ('platform', 'workspace')),
        workspace_id text null constraint api_keys_workspace_id_foreign references workspaces (id),
        created_at timestamptz not null default now(),
        revoked_at timestamptz null,
        constraint api_keys_workspace_scope_check check ((scope = 'workspace') = (workspace_id is not null))
      )`);

    this.addSql(`
      create table webhook_endpoints (
        id text primary key,
        url text not null,
        events jsonb not null,
        workspace_id text null constraint webhook_endpoints_workspace_id_foreign references workspaces (id),
        description text null,
        secret_ciphertext text not null,
        created_at timestamptz not null default now(),
        disabled_at timestamptz null,
        disabled_reason text null check (disabled_reason in ('gone', 'failing', 'manual')),
        -- The secret before a rotation, still signing until its grace period ends.
        previous_secret_ciphertext text null,
        previous_secret_expires_at timestamptz null,
        dispatcher_idle boolean not null default true
      )`);

    // Deliveries and attempts are the endpoint's log: they go with it.
    this.addSql(`
      create table webhook_deliveries (
        id text primary key,
        endpoint_id text not null constraint webhook_deliveries_endpoint_id_foreign
          references webhook_endpoints (id) on delete cascade,
        event_type text not null,
        payload jsonb not null,
        status text not null default 'pending' constraint webhook_deliveries_status_check
          check (status in ('pending', 'delivered', 'failed')),
        attempt_count int not null default 0,
        created_at timestamptz not null default now(),
        last_attempt_at timestamptz null,
        delivered_at timestamptz null,
        -- The outbox's order: one ordering key's messages go out in it.
        seq bigint generated always as identity,
        ordering_key text not null,
        next_attempt_at timestamptz null default now(),
        round_started_at timestamptz null,
        round_attempts int not null default 0
      )`);
    // What a dispatcher reads: the due messages of its endpoint, and an older pending one per ordering key.
    this.addSql(
      `create index webhook_deliveries_due_index on webhook_deliveries (endpoint_id, next_attempt_at)
       where status = 'pending'`,
    );
    this.addSql(
      `create index webhook_deliveries_ordering_index on webhook_deliveries (endpoint_id, ordering_key, seq)
       where status = 'pending'`,
    );
    this.addSql(
      'create index webhook_deliveries_endpoint_id_created_at_index on webhook_deliveries (endpoint_id, created_at)',
    );

    this.addSql(`
      create table webhook_attempts (
        id bigint generated by default as identity primary key,
        delivery_id text not null constraint webhook_attempts_delivery_id_foreign
          references webhook_deliveries (id) on delete cascade,
        attempted_at timestamptz not null,
        status_code int null,
        latency_ms int not null,
        response_snippet text null,
        error text null
      )`);
    // Also serves the cascade from deliveries, which would otherwise scan attempts.
    this.addSql(
      'create index webhook_attempts_delivery_id_attempted_at_index on webhook_attempts (delivery_id, attempted_at)',
    );

    // Claims that make "one open invitation per person per workspace" hold across API processes.
    this.addSql(`
      create table open_invitations (
        workspace_id text not null references workspaces (id),
        person_key text not null,
        invitation_id text not null,
        claimed_at timestamptz not null default now(),
        primary key (workspace_id, person_key)
      )`);
    this.addSql('create index open_invitations_invitation_id_index on open_invitations (invitation_id)');

    // Shareable invite links: the token is looked up by its keyed hash and kept sealed, so admins can show it again.
    this.addSql(`
      create table invite_links (
        id text primary key,
        workspace_id text not null references workspaces (id),
        token_hash text not null unique,
        token_ciphertext text not null,
        roles jsonb not null,
        groups jsonb not null,
        max_uses integer null,
        uses integer not null default 0,
        expires_at timestamptz not null,
        allowed_email_domains jsonb not null,
        disabled boolean not null default false,
        created_at timestamptz not null default now()
      )`);
    this.addSql('create index invite_links_workspace_id_index on invite_links (workspace_id, created_at)');
    this.addSql(`
      create table invite_link_redemptions (
        id bigint generated always as identity primary key,
        link_id text not null references invite_links (id) on delete cascade,
        user_id text not null,
        visitor_hash text not null,
        redeemed_at timestamptz not null default now()
      )`);
    this.addSql(
      'create index invite_link_redemptions_link_id_index on invite_link_redemptions (link_id, redeemed_at, id)',
    );

    // Addresses that bounced for good or complained, by keyed hash: new invitations to them need `force`.
    this.addSql(`
      create table suppressed_addresses (
        workspace_id text not null references workspaces (id),
        address_hash text not null,
        reason text not null constraint suppressed_addresses_reason_check check (reason in ('bounced', 'complained')),
        suppressed_at timestamptz not null default now(),
        primary key (workspace_id, address_hash)
      )`);

    // New invitations of the last 24 hours, while a workspace caps them per day: what its caps count.
    this.addSql(`
      create table invitation_starts (
        invitation_id text primary key,
        workspace_id text not null references workspaces (id),
        inviter_id text not null,
        started_at timestamptz not null default now()
      )`);
    this.addSql(
      'create index invitation_starts_workspace_id_started_at_index on invitation_starts (workspace_id, started_at)',
    );

    // The stored answers behind `Idempotency-Key`.
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

    // Per-workspace email template overrides, by template and language.
    this.addSql(`
      create table email_templates (
        workspace_id text not null references workspaces (id),
        name text not null check (name in ('invitation', 'resend', 'reminder')),
        locale text not null,
        subject text not null,
        html text not null,
        text text not null,
        updated_at timestamptz not null default now(),
        primary key (workspace_id, name, locale)
      )`);

    // A code joins its workspace alone, so codes are unique across all workspaces.
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
    // Failed attempts to join: keyed hashes of who tried, never the code tried.
    this.addSql(`
      create table join_attempts (
        id bigint generated always as identity constraint join_attempts_pkey primary key,
        kind text not null constraint join_attempts_kind_check check (kind in ('visitor', 'user', 'workspace', 'global')),
        key text not null,
        at timestamptz not null default now()
      )`);
    this.addSql('create index join_attempts_kind_key_at_index on join_attempts (kind, key, at desc)');
    this.addSql('create index join_attempts_at_index on join_attempts (at)');

    // A row gets its invitation id when it is checked, so starting it again after a crash starts the same invitation.
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

    // The Message-IDs an SMTP server has accepted, so a send retried after its worker died does not go out again.
    // They hold an invitation id and a send number, no personal data; rows are pruned after 30 days.
    this.addSql(`
      create table sent_messages (
        message_id text primary key,
        sent_at timestamptz not null default now()
      )`);
    this.addSql('create index sent_messages_sent_at_index on sent_messages (sent_at)');

    // A keyed hash of each payload key the data was written with: a start without one of them refuses.
    this.addSql(`
      create table payload_key_checks (
        key_id text primary key,
        key_check text not null,
        created_at timestamptz not null default now()
      )`);
  }

  override down(): void {
    this.addSql('drop table payload_key_checks');
    this.addSql('drop table sent_messages');
    this.addSql('drop table bulk_rows');
    this.addSql('drop table bulk_imports');
    this.addSql('drop table join_attempts');
    this.addSql('drop table invitation_codes');
    this.addSql('drop table email_templates');
    this.addSql('drop table idempotency_keys');
    this.addSql('drop table invite_link_redemptions');
    this.addSql('drop table invite_links');
    this.addSql('drop table suppressed_addresses');
    this.addSql('drop table invitation_starts');
    this.addSql('drop table open_invitations');
    this.addSql('drop table webhook_attempts');
    this.addSql('drop table webhook_deliveries');
    this.addSql('drop table webhook_endpoints');
    this.addSql('drop table api_keys');
    this.addSql('drop table members');
    this.addSql('drop table invitation_events');
    this.addSql('drop table invitations');
    this.addSql('drop table workspaces');
  }
}
