import { Migration } from '@mikro-orm/migrations';

/**
 * The Message-IDs an SMTP server has accepted, so a send retried after its
 * worker died does not go out again. Message-IDs hold an invitation id and a
 * send number, no personal data; rows are pruned after 30 days, by `sent_at`.
 */
export class Migration20261202000000 extends Migration {
  override up(): void {
    this.addSql(`
      create table sent_messages (
        message_id text primary key,
        sent_at timestamptz not null default now()
      )`);
    this.addSql('create index sent_messages_sent_at_index on sent_messages (sent_at)');
  }

  override down(): void {
    this.addSql('drop table sent_messages');
  }
}
