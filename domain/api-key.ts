/** A platform key acts on every workspace; a workspace key on its own only. */
export type ApiKeyScope = 'platform' | 'workspace';
