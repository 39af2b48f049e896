import { Migration } from '@mikro-orm/migrations';

const eventTypesBefore = `'created', 'requested', 'sent', 'resent', 'reminded', 'accepted', 'declined', 'expired',
  'revoked', 'rejected', 'changed', 'delivery_failed'`;

/**
 * Delivery reports from providers (Twilio's status callbacks): a `delivered`
 * event type and the provider's message id on the events about one message.
 * Resend emails get their own template, which workspaces can override.
 */
export class Migration20261127000000 extends Migration {
  override up(): void {
    this.addSql('alter table invitation_events drop constraint invitation_events_type_check');
    this.addSql(`
      alter table invitation_events add constraint invitation_events_type_check
        check (type in (${eventTypesBefore}, 'delivered'))`);
    this.addSql('alter table invitation_events add column message_id text');
    this.addSql('alter table email_templates drop constraint email_templates_name_check');
    this.addSql(`
      alter table email_templates add constraint email_templates_name_check
        check (name in ('invitation', 'resend', 'reminder'))`);
  }

  override down(): void {
    this.addSql('alter table email_templates drop constraint email_templates_name_check');
    this.addSql(`
      alter table email_templates add constraint email_templates_name_check
        check (name in ('invitation', 'reminder')) not valid`);
    this.addSql('alter table invitation_events drop column message_id');
    this.addSql('alter table invitation_events drop constraint invitation_events_type_check');
    this.addSql(`
      alter table invitation_events add constraint invitation_events_type_check
        check (type in (${eventTypesBefore})) not valid`);
  }
}
