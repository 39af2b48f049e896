import { Migration } from '@mikro-orm/migrations';

/** Invite requests (`requested`, `rejected`) and changes before acceptance (`changed`) are recorded in histories. */
export class Migration20261124000000 extends Migration {
  override up(): void {
    this.addSql('alter table invitation_events drop constraint invitation_events_type_check');
    this.addSql(`
      alter table invitation_events add constraint invitation_events_type_check
        check (type in ('created', 'requested', 'sent', 'resent', 'reminded', 'accepted', 'declined', 'expired',
          'revoked', 'rejected', 'changed'))`);
  }

  override down(): void {
    // `not valid`: histories that already hold these events stay as they are; only new rows are checked.
    this.addSql('alter table invitation_events drop constraint invitation_events_type_check');
    this.addSql(`
      alter table invitation_events add constraint invitation_events_type_check
        check (type in ('created', 'sent', 'resent', 'reminded', 'accepted', 'declined', 'expired', 'revoked')) not valid`);
  }
}
