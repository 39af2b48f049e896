import { EntitySchema, type Opt } from '@mikro-orm/core';
import type { ApiKeyScope } from '../../domain/api-key';

export interface ApiKeyRow {
  id: string;
  name: string;
  /** sha256 hex of the key: the raw key is shown once and never stored. */
  keyHash: string;
  scope: ApiKeyScope;
  /** Set exactly when `scope` is `workspace`. */
  workspaceId: string | null;
  createdAt: Opt<Date>;
  revokedAt: Date | null;
}

export const ApiKeySchema = new EntitySchema<ApiKeyRow>({
  name: 'ApiKey',
  tableName: 'api_keys',
  properties: {
    id: { type: 'text', primary: true },
    name: { type: 'text' },
    keyHash: { type: 'text', unique: 'api_keys_key_hash_unique' },
    scope: { type: 'text' },
    workspaceId: { type: 'text', nullable: true },
    createdAt: { type: 'datetime', defaultRaw: 'now()' },
    revokedAt: { type: 'datetime', nullable: true },
  },
});
