import type { MikroORM } from '@mikro-orm/postgresql';
import { WorkspaceSchema, type WorkspaceRow } from '../db/entities';
import type { UpsertWorkspace, Workspace } from '../domain/workspace';
import { Problem } from './problem';

export function workspaceView(row: WorkspaceRow): Workspace {
  return {
    id: row.id,
    name: row.name,
    settings: row.settings,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export async function getWorkspace(orm: MikroORM, id: string): Promise<Workspace> {
  const row = await orm.em.fork().findOne(WorkspaceSchema, id);
  if (!row) throw new Problem('workspace_not_found', `no workspace "${id}"`);
  return workspaceView(row);
}

/** Creates or replaces a workspace; answers whether it was created. */
export async function upsertWorkspace(
  orm: MikroORM,
  id: string,
  input: UpsertWorkspace,
): Promise<{ workspace: Workspace; created: boolean }> {
  const em = orm.em.fork();
  const existing = await em.findOne(WorkspaceSchema, id);
  if (existing) {
    existing.name = input.name;
    existing.settings = input.settings;
    existing.updatedAt = new Date();
    await em.flush();
    return { workspace: workspaceView(existing), created: false };
  }
  const row = em.create(WorkspaceSchema, { id, name: input.name, settings: input.settings });
  await em.flush();
  await em.refresh(row);
  return { workspace: workspaceView(row), created: true };
}
