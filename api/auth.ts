import { createHash } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { ApiKeyScope } from '../domain/api-key';
import { findActiveKey, saveBootstrapKey } from '../store/api-keys';
import { Problem } from './problem';

export interface Caller {
  keyId: string;
  scope: ApiKeyScope;
  workspaceId: string | null;
}

declare module 'express-serve-static-core' {
  interface Request {
    caller?: Caller;
  }
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** The bootstrap key, as the platform key `key_bootstrap`. */
export function ensureBootstrapKey(orm: MikroORM, key: string): Promise<void> {
  return saveBootstrapKey(orm, hashApiKey(key));
}

/** A key revoked in the database stops working in every API process within this. */
const cacheTtlMs = 1_000;

const cacheSize = 1_000;

/**
 * Bearer API keys, looked up by hash. Valid keys are cached briefly so each
 * request is not a query; unknown ones are not, so guessing cannot fill memory.
 */
export function authenticate(orm: MikroORM): RequestHandler {
  const cache = new Map<string, { caller: Caller; until: number }>();
  return async (req: Request, _res: Response, next: NextFunction) => {
    const match = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '');
    if (!match?.[1]) throw new Problem('unauthorized', 'send an API key as "Authorization: Bearer <key>"');
    const keyHash = hashApiKey(match[1]);
    const cached = cache.get(keyHash);
    if (cached && cached.until > Date.now()) {
      req.caller = cached.caller;
      return next();
    }
    const row = await findActiveKey(orm, keyHash);
    if (!row) throw new Problem('unauthorized', 'the API key is not valid');
    if (cache.size >= cacheSize) cache.clear();
    req.caller = { keyId: row.id, scope: row.scope, workspaceId: row.workspaceId };
    cache.set(keyHash, { caller: req.caller, until: Date.now() + cacheTtlMs });
    next();
  };
}

/**
 * A workspace key reaches its own workspace only; a platform key reaches all of them.
 * Another workspace looks to a workspace key exactly as a missing one does, so keys cannot probe which exist.
 */
export function authorizeWorkspace(req: Request, workspaceId: string): void {
  const caller = req.caller;
  if (!caller) throw new Problem('unauthorized', 'no API key');
  if (caller.scope === 'workspace' && caller.workspaceId !== workspaceId) {
    throw new Problem('workspace_not_found', `no workspace "${workspaceId}"`);
  }
}

export function requirePlatformKey(req: Request): void {
  if (req.caller?.scope !== 'platform') throw new Problem('forbidden', 'this needs a platform API key');
}
