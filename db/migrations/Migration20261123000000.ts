import { Migration } from '@mikro-orm/migrations';

/** Reminders are recorded in an invitation's history as `reminded` events. */
export class Migration20261123000000 extends Migration {
  override up(): void {
    this.addSql('alter table invitation_events drop constraint invitation_events_type_check');
    this.addSql(`
      alter table invitation_events add constraint invitation_events_type_check
        check (type in ('created', 'sent', 'resent', 'reminded', 'accepted', 'declined', 'expired', 'revoked'))`);
  }

  override down(): void {
    // `not valid`: histories that already hold reminders stay as they are; only new rows are checked.
    this.addSql('alter table invitation_events drop constraint invitation_events_type_check');
    this.addSql(`
      alter table invitation_events add constraint invitation_events_type_check
        check (type in ('created', 'sent', 'resent', 'accepted', 'declined', 'expired', 'revoked')) not valid`);
  }
}
