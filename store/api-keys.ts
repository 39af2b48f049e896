import type { MikroORM } from '@mikro-orm/postgresql';
import { ApiKeySchema, type ApiKeyRow } from '../db/entities';

/** Stores the bootstrap key's hash as the platform key `key_bootstrap`; a changed key replaces the old one. */
export async function saveBootstrapKey(orm: MikroORM, keyHash: string): Promise<void> {
  await orm.em.fork().upsert(ApiKeySchema, {
    id: 'key_bootstrap',
    name: 'bootstrap (INVITEFLOW_API_KEY)',
    keyHash,
    scope: 'platform',
    workspaceId: null,
    revokedAt: null,
  });
}

/** The key with this hash, unless it is revoked. */
export async function findActiveKey(orm: MikroORM, keyHash: string): Promise<ApiKeyRow | null> {
  return orm.em.fork().findOne(ApiKeySchema, { keyHash, revokedAt: null });
}
