import { createHash } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { ErrorCode } from '../domain/error-codes';
import type { SecretBox } from '../domain/secret-box';
import { Problem, validationCodes } from './problem';
import { claimIdempotencyKey, forgetIdempotencyKey, recordIdempotentAnswer } from '../store/idempotency-keys';

export const idempotencyKeyPattern = /^[\x21-\x7e]{1,255}$/;

/**
 * An answer as stored: a signing secret, shown once (a new webhook endpoint,
 * a rotation), is kept sealed, so the table does not hand out the means to
 * forge webhooks. Other fields stay as JSON, where erasure can reach them.
 */
function storedAnswer(chunk: unknown, secrets: SecretBox): string {
  if (typeof chunk !== 'string' || chunk === '') return 'null';
  return withSecret(JSON.parse(chunk), (secret) => secrets.seal(secret));
}

const replayedAnswer = (stored: unknown, secrets: SecretBox): string =>
  withSecret(stored, (secret) => secrets.open(secret));

/** The answer as JSON, its top-level `secret`, when it has one, passed through `change`. */
function withSecret(answer: unknown, change: (secret: string) => string): string {
  const hasSecret = answer && typeof answer === 'object' && 'secret' in answer && typeof answer.secret === 'string';
  return JSON.stringify(hasSecret ? { ...answer, secret: change(answer.secret as string) } : answer);
}

/**
 * `Idempotency-Key` on POST: the first request with a key runs, and every
 * retry with the same key and body gets the first answer again, so a client
 * that lost a response can retry without doing the thing twice. Keys belong
 * to the API key that sent them. Server errors are not remembered: those may
 * be retried for real. Nor are validation refusals (as Stripe does): nothing
 * was done, and the client may fix the request and send it again with its key.
 */
export function idempotency(orm: MikroORM, secrets: SecretBox, log: Logger): RequestHandler {
  return async (req, res, next) => {
    const key = req.get('idempotency-key');
    if (req.method !== 'POST' || key === undefined) return next();
    if (!idempotencyKeyPattern.test(key)) {
      const message = 'must be 1 to 255 visible ASCII characters';
      throw new Problem('validation_failed', `invalid header: Idempotency-Key ${message}`, [
        { field: 'header.Idempotency-Key', message },
      ]);
    }
    const apiKeyId = req.caller!.keyId;
    const requestHash = createHash('sha256')
      .update(`${req.method} ${req.originalUrl}\n${JSON.stringify(req.body ?? null)}`)
      .digest('hex');

    const claim = await claimIdempotencyKey(orm, apiKeyId, key, requestHash);
    if (!claim.claimed) {
      const { first } = claim;
      if (!first || first.requestHash !== requestHash) {
        throw new Problem('idempotency_key_reused', 'this Idempotency-Key was used for a different request', [
          { field: 'header.Idempotency-Key', message: 'was used for a different request' },
        ]);
      }
      if (first.statusCode === null) {
        throw new Problem('idempotency_key_in_use', 'a request with this Idempotency-Key is still running', [], {
          'retry-after': '1',
        });
      }
      res
        .status(first.statusCode)
        .set({
          'idempotent-replayed': 'true',
          'content-type': first.statusCode >= 400 ? 'application/problem+json' : 'application/json',
        })
        .send(replayedAnswer(first.responseBody, secrets));
      return;
    }

    // The answer is recorded before it is sent, so a client that retries the
    // moment it has it finds it, rather than a request still "in use".
    const send = res.send.bind(res);
    res.send = (chunk: unknown) => {
      const forget = res.statusCode >= 500 || validationCodes.has(res.locals.problemCode as ErrorCode);
      const remember = forget
        ? forgetIdempotencyKey(orm, apiKeyId, key)
        : recordIdempotentAnswer(orm, apiKeyId, key, res.statusCode, storedAnswer(chunk, secrets));
      remember
        .catch((error: unknown) => log.error({ err: error }, 'could not record an idempotent response'))
        .finally(() => send(chunk));
      return res;
    };
    next();
  };
}
