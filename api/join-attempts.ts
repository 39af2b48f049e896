import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { Request } from 'express';
import { attemptKey, retryAfterSeconds, type AttemptKind, type AttemptLimits } from '../domain/rate-limit';
import { Problem } from './problem';
import { visitorAddress } from './visitor';

/** Who is trying: the user is unknown when an admin sets a custom code. */
export interface AttemptClient {
  visitor: string;
  userId?: string;
  /** The workspace the try is made in or, when it names none (a code, a forged token), the API key's. */
  tenant: string;
}

/** Who a request's try counts against. */
export function attemptClient(req: Request, { userId, workspaceId }: { userId?: string; workspaceId?: string } = {}) {
  const tenant = workspaceId ?? req.caller?.workspaceId ?? `key:${req.caller?.keyId ?? 'none'}`;
  return { visitor: visitorAddress(req), tenant, ...(userId !== undefined && { userId }) } satisfies AttemptClient;
}

interface AttemptKey {
  kind: AttemptKind;
  key: string;
}

export interface AttemptGuardOptions {
  /**
   * Whether a try counts against the caps while it runs. A code is short, so
   * parallel guesses must not slip past the cap together. An invitation
   * token's MAC is not guessable, and a host's backend sends many invitees'
   * tries at once from one address: there a try counts once it has failed.
   */
  countWhileRunning: boolean;
}

/** `now()` less the window, given in milliseconds as a parameter. */
const windowStart = "now() - ?::double precision * interval '1 millisecond'";

/**
 * Caps failed tries at a workspace code, in PostgreSQL so every API process
 * counts the same attempts. Each try is logged before it runs, so parallel
 * tries count each other and cannot slip past the cap together; a try that
 * did not fail (or was refused for being over the cap) takes its entry back.
 * Past the cap even the right code is refused, or the cap could be probed.
 */
export function joinAttemptGuard(
  orm: MikroORM,
  secret: string,
  limits: AttemptLimits,
  { countWhileRunning }: AttemptGuardOptions = { countWhileRunning: true },
) {
  function keysOf(client: AttemptClient): AttemptKey[] {
    const keys: AttemptKey[] = [
      { kind: 'visitor', key: attemptKey(secret, 'visitor', client.visitor) },
      { kind: 'workspace', key: attemptKey(secret, 'workspace', client.tenant) },
      { kind: 'global', key: attemptKey(secret, 'global', '*') },
    ];
    if (client.userId !== undefined) keys.push({ kind: 'user', key: attemptKey(secret, 'user', client.userId) });
    return keys;
  }

  /** Logs the try, pruning entries older than the window on the way: the log stays as small as the window. */
  async function reserve(em: EntityManager, keys: AttemptKey[]): Promise<string[]> {
    const rows = await em.execute<{ id: string }[]>(
      `with pruned as (delete from join_attempts where at < ${windowStart})
       insert into join_attempts (kind, key) values ${keys.map(() => '(?, ?)').join(', ')} returning id`,
      [limits.windowMs, ...keys.flatMap(({ kind, key }) => [kind, key])],
    );
    return rows.map((row) => row.id);
  }

  /** For each key at its cap, the cap-th most recent other try in the window: when it leaves, a slot frees. */
  async function blockingAttempts(em: EntityManager, keys: AttemptKey[], own: string[]) {
    const rows = await em.execute<{ at: Date; now: Date }[]>(
      keys
        .map(
          () => `(select at, now() as now from join_attempts
                  where kind = ? and key = ? and at > ${windowStart}
                  ${own.length > 0 ? `and id not in (${own.map(() => '?').join(', ')})` : ''}
                  order by at desc offset ? limit 1)`,
        )
        .join(' union all '),
      keys.flatMap(({ kind, key }) => [kind, key, limits.windowMs, ...own, limits.caps[kind] - 1]),
    );
    return { blocking: rows.map((row) => new Date(row.at)), now: rows[0] ? new Date(rows[0].now) : new Date() };
  }

  async function release(em: EntityManager, own: string[]): Promise<void> {
    if (own.length > 0)
      await em.execute(`delete from join_attempts where id in (${own.map(() => '?').join(', ')})`, own);
  }

  /** Runs `attempt` unless the client is over a cap; an error `failed` recognises counts against the caps. */
  return async function guarded<T>(
    client: AttemptClient,
    attempt: () => Promise<T>,
    failed: (error: unknown) => boolean,
  ): Promise<T> {
    const em = orm.em.fork();
    const keys = keysOf(client);
    const own = countWhileRunning ? await reserve(em, keys) : [];
    const { blocking, now } = await blockingAttempts(em, keys, own);
    const retryAfter = retryAfterSeconds(limits.windowMs, blocking, now);
    if (retryAfter !== undefined) {
      await release(em, own);
      throw new Problem('too_many_attempts', `too many failed attempts; retry in ${retryAfter} seconds`, [], {
        'retry-after': String(retryAfter),
      });
    }
    try {
      const result = await attempt();
      await release(em, own);
      return result;
    } catch (error) {
      if (!failed(error)) await release(em, own);
      else if (!countWhileRunning) await reserve(em, keys);
      throw error;
    }
  };
}
