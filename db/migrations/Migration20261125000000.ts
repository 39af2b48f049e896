import { Migration } from '@mikro-orm/migrations';

/** Permanent delivery failures are recorded in histories as `delivery_failed` events, with what failed. */
export class Migration20261125000000 extends Migration {
  override up(): void {
    this.addSql('alter table invitation_events add column detail text null');
    this.addSql('alter table invitation_events drop constraint invitation_events_type_check');
    this.addSql(`
      alter table invitation_events add constraint invitation_events_type_check
        check (type in ('created', 'requested', 'sent', 'resent', 'reminded', 'accepted', 'declined', 'expired',
          'revoked', 'rejected', 'changed', 'delivery_failed'))`);
  }

  override down(): void {
    // `not valid`: histories that already hold failures stay as they are; only new rows are checked.
    this.addSql('alter table invitation_events drop constraint invitation_events_type_check');
    this.addSql(`
      alter table invitation_events add constraint invitation_events_type_check
        check (type in ('created', 'requested', 'sent', 'resent', 'reminded', 'accepted', 'declined', 'expired',
          'revoked', 'rejected', 'changed')) not valid`);
    this.addSql('alter table invitation_events drop column detail');
  }
}
