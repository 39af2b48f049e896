import { Migration } from '@mikro-orm/migrations';

const eventTypesBefore = `'created', 'requested', 'sent', 'resent', 'reminded', 'accepted', 'declined', 'expired',
  'revoked', 'rejected', 'changed', 'delivery_failed', 'delivered'`;

/**
 * Matching at sign-up and erasure: whether the invitee consented to the use
 * of their phone, how an invitation was accepted, and when the invitee's
 * personal data was erased. Registrations look invitations up by email key
 * across workspaces.
 */
export class Migration20261129000000 extends Migration {
  override up(): void {
    this.addSql('alter table invitations add column phone_consent boolean not null default false');
    this.addSql('alter table invitations add column erased_at timestamptz');
    this.addSql('create index invitations_email_key_index on invitations (email_key)');
    this.addSql('alter table invitation_events add column method text');
    this.addSql('alter table invitation_events drop constraint invitation_events_type_check');
    this.addSql(`
      alter table invitation_events add constraint invitation_events_type_check
        check (type in (${eventTypesBefore}, 'erased'))`);
  }

  override down(): void {
    this.addSql('alter table invitation_events drop constraint invitation_events_type_check');
    this.addSql(`
      alter table invitation_events add constraint invitation_events_type_check
        check (type in (${eventTypesBefore})) not valid`);
    this.addSql('alter table invitation_events drop column method');
    this.addSql('drop index invitations_email_key_index');
    this.addSql('alter table invitations drop column erased_at');
    this.addSql('alter table invitations drop column phone_consent');
  }
}
