import type { MikroORM } from '@mikro-orm/postgresql';
import { toWorkspace, WorkspaceSchema } from '../db/entities';
import type { Workspace } from '../domain/workspace';

export interface WorkspaceReader {
  get(id: string): Promise<Workspace>;
}

/** Reads workspaces for activities; a missing one is a bug upstream, so it throws (and retries). */
export function createWorkspaceReader(orm: MikroORM): WorkspaceReader {
  return {
    async get(id) {
      return toWorkspace(await orm.em.fork().findOneOrFail(WorkspaceSchema, id));
    },
  };
}
