import type { MikroORM } from '@mikro-orm/postgresql';

/** How long a key is remembered: long enough for any client's retries. */
const retention = '24 hours';

/** Drops the keys past their retention, with the answers they kept (personal data among them). */
export async function purgeExpiredIdempotencyKeys(orm: MikroORM): Promise<number> {
  const purged = await orm.em
    .fork()
    .execute<unknown[]>(
      `delete from idempotency_keys where created_at < now() - interval '${retention}' returning key`,
    );
  return purged.length;
}

export interface FirstRequest {
  requestHash: string;
  /** `null` while the first request is still running. */
  statusCode: number | null;
  responseBody: unknown;
}

/**
 * Takes the key for a request, or answers the request that holds it. A key
 * past its retention is free again even before the purge reaches it.
 */
export async function claimIdempotencyKey(
  orm: MikroORM,
  apiKeyId: string,
  key: string,
  requestHash: string,
): Promise<{ claimed: true } | { claimed: false; first: FirstRequest | undefined }> {
  const em = orm.em.fork();
  await em.execute(
    `delete from idempotency_keys where api_key_id = ? and key = ? and created_at < now() - interval '${retention}'`,
    [apiKeyId, key],
  );
  const claimed = await em.execute<unknown[]>(
    `insert into idempotency_keys (api_key_id, key, request_hash) values (?, ?, ?)
     on conflict do nothing returning key`,
    [apiKeyId, key, requestHash],
  );
  if (claimed.length > 0) return { claimed: true };
  // Undefined when the holder was forgotten between the two statements.
  const [first] = await em.execute<{ request_hash: string; status_code: number | null; response_body: unknown }[]>(
    'select request_hash, status_code, response_body from idempotency_keys where api_key_id = ? and key = ?',
    [apiKeyId, key],
  );
  return {
    claimed: false,
    first: first && {
      requestHash: first.request_hash,
      statusCode: first.status_code,
      responseBody: first.response_body,
    },
  };
}

/** Keeps the answer for the retries to come; `answer` is JSON text. */
export async function recordIdempotentAnswer(
  orm: MikroORM,
  apiKeyId: string,
  key: string,
  statusCode: number,
  answer: string,
): Promise<void> {
  await orm.em
    .fork()
    .execute('update idempotency_keys set status_code = ?, response_body = ?::jsonb where api_key_id = ? and key = ?', [
      statusCode,
      answer,
      apiKeyId,
      key,
    ]);
}

/** Frees the key: the request may be sent again and run for real. */
export async function forgetIdempotencyKey(orm: MikroORM, apiKeyId: string, key: string): Promise<void> {
  await orm.em.fork().execute('delete from idempotency_keys where api_key_id = ? and key = ?', [apiKeyId, key]);
}
