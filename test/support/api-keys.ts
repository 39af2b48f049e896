import { randomBytes } from 'node:crypto';
import { hashApiKey } from '../../api/auth';
import { ApiKeySchema } from '../../db/entities';
import type { TestInviteflow } from './harness';

/** A new workspace-scoped API key of `workspaceId`, stored hashed as the API keeps keys; answers the raw key. */
export async function addWorkspaceKey(app: Pick<TestInviteflow, 'orm'>, workspaceId: string): Promise<string> {
  const key = `ws-key-${workspaceId}-${randomBytes(12).toString('hex')}`;
  await app.orm.em.fork().insert(ApiKeySchema, {
    id: `key_${randomBytes(8).toString('hex')}`,
    name: workspaceId,
    keyHash: hashApiKey(key),
    scope: 'workspace',
    workspaceId,
    revokedAt: null,
  });
  return key;
}
