import type { MikroORM } from '@mikro-orm/postgresql';

/** How long an accepted Message-ID is remembered: far longer than any retry of its send. */
const keptDays = 30;

/** The Message-IDs an SMTP server has accepted (table `sent_messages`). */
export interface SentMessages {
  has(messageId: string): Promise<boolean>;
  record(messageId: string): Promise<void>;
}

export function createSentMessages(orm: MikroORM): SentMessages {
  return {
    async has(messageId) {
      const rows = await orm.em
        .fork()
        .execute<unknown[]>('select 1 from sent_messages where message_id = ?', [messageId]);
      return rows.length > 0;
    },
    async record(messageId) {
      // Pruned as it grows, one small row per email, so no job is needed to keep it bounded.
      await orm.em.fork().execute(
        `with pruned as (delete from sent_messages where sent_at < now() - make_interval(days => ?))
         insert into sent_messages (message_id) values (?) on conflict (message_id) do nothing`,
        [keptDays, messageId],
      );
    },
  };
}
