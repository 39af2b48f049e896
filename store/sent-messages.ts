import { log } from '@temporalio/activity';
import type { MikroORM } from '@mikro-orm/postgresql';
import pLimit from 'p-limit';

/** How long a claimed Message-ID is remembered: far longer than any retry of its send. */
const keptDays = 30;

/**
 * Sends holding a claim at once, each on one of the worker's database
 * connections: the rest of the pool stays free for projection writes.
 */
export const concurrentSends = 5;

/** Old records are pruned at most this often by a process: each prune scans the table, a send need not. */
const pruneEveryMs = 60 * 60_000;

/** A retry waits this long for another attempt's open claim on its message, then fails and is retried later. */
const claimWaitMs = 30_000;

export type SendOutcome = 'sent' | 'already_sent';

/** The Message-IDs an SMTP server has accepted (table `sent_messages`). */
export interface SentMessages {
  /**
   * Runs `send` unless the message went out before. The claim on
   * `messageId` is inserted before `send` and committed once it succeeds,
   * in one transaction: a worker that dies mid-send leaves no claim, so its
   * retry sends; a retry that runs while another attempt still sends waits
   * for that attempt's outcome. Only a worker that dies after writing the
   * whole message to the SMTP server, before the commit, sends it twice.
   */
  sendOnce(messageId: string, send: () => Promise<void>): Promise<SendOutcome>;
}

export function createSentMessages(orm: MikroORM): SentMessages {
  const knex = orm.em.getConnection().getKnex();
  const limit = pLimit(concurrentSends);
  let prunedAt = 0;

  async function prune(): Promise<void> {
    if (Date.now() - prunedAt < pruneEveryMs) return;
    prunedAt = Date.now();
    try {
      await knex.raw('delete from sent_messages where sent_at < now() - make_interval(days => ?)', [keptDays]);
    } catch (error) {
      log.warn('Pruning old sent-message records failed', { error: String(error) });
    }
  }

  return {
    sendOnce: (messageId, send) =>
      limit(async () => {
        let sent = false;
        try {
          const outcome = await knex.transaction(async (claim): Promise<SendOutcome> => {
            await claim.raw(`set local lock_timeout = ${claimWaitMs}`);
            const inserted = await claim.raw<{ rows: unknown[] }>(
              'insert into sent_messages (message_id) values (?) on conflict (message_id) do nothing returning 1',
              [messageId],
            );
            if (inserted.rows.length === 0) return 'already_sent';
            await send();
            sent = true;
            return 'sent';
          });
          if (outcome === 'sent') await prune();
          return outcome;
        } catch (error) {
          if (!sent) throw error;
          // The email is out, so the send succeeds: only a retry of it, if the worker also dies, would send again.
          log.warn('Email sent but its claim not committed: a retry would send it again', { messageId });
          return 'sent';
        }
      }),
  };
}
