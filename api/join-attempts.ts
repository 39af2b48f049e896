import type { MikroORM } from '@mikro-orm/postgresql';
import type { Request } from 'express';
import { attemptKey, retryAfterSeconds, type AttemptLimits } from '../domain/rate-limit';
import { blockingAttempts, dropAttempts, logAttempts, type AttemptKey } from '../store/join-attempts';
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

export interface AttemptGuardOptions {
  /**
   * Whether a try counts against the caps while it runs. A code is short, so
   * parallel guesses must not slip past the cap together. An invitation
   * token's MAC is not guessable, and a host's backend sends many invitees'
   * tries at once from one address: there a try counts once it has failed.
   */
  countWhileRunning: boolean;
}

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

  /** Runs `attempt` unless the client is over a cap; an error `failed` recognises counts against the caps. */
  return async function guarded<T>(
    client: AttemptClient,
    attempt: () => Promise<T>,
    failed: (error: unknown) => boolean,
  ): Promise<T> {
    const em = orm.em.fork();
    const keys = keysOf(client);
    const own = countWhileRunning ? await logAttempts(em, keys, limits.windowMs) : [];
    const { blocking, now } = await blockingAttempts(em, keys, own, limits);
    const retryAfter = retryAfterSeconds(limits.windowMs, blocking, now);
    if (retryAfter !== undefined) {
      await dropAttempts(em, own);
      throw new Problem('too_many_attempts', `too many failed attempts; retry in ${retryAfter} seconds`, [], {
        'retry-after': String(retryAfter),
      });
    }
    try {
      const result = await attempt();
      await dropAttempts(em, own);
      return result;
    } catch (error) {
      if (!failed(error)) await dropAttempts(em, own);
      else if (!countWhileRunning) await logAttempts(em, keys, limits.windowMs);
      throw error;
    }
  };
}
