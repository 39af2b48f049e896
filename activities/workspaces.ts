import type { MikroORM } from '@mikro-orm/postgresql';
import { WorkspaceSchema } from '../db/entities';
import type { Workspace } from '../domain/workspace';

export interface WorkspaceReader {
  get(id: string): Promise<Workspace>;
}

/** Reads workspaces for activities; a missing one is a bug upstream, so it throws (and retries). */
export function createWorkspaceReader(orm: MikroORM): WorkspaceReader {
  return {
    async get(id) {
      const row = await orm.em.fork().findOneOrFail(WorkspaceSchema, id);
      return {
        id: row.id,
        name: row.name,
        settings: row.settings,
        createdAt: row.createdAt.toISOString(),
        updatedAt: row.updatedAt.toISOString(),
      };
    },
  };
}
