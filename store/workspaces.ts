import type { MikroORM } from '@mikro-orm/postgresql';
import { toWorkspace, WorkspaceSchema } from '../db/entities';
import type { UpsertWorkspace, Workspace } from '../domain/workspace';
import { RuleViolation } from '../domain/error-codes';

export async function getWorkspace(orm: MikroORM, id: string): Promise<Workspace> {
  const row = await orm.em.fork().findOne(WorkspaceSchema, id);
  if (!row) throw new RuleViolation('workspace_not_found', `no workspace "${id}"`);
  return toWorkspace(row);
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
    return { workspace: toWorkspace(existing), created: false };
  }
  const row = em.create(WorkspaceSchema, { id, name: input.name, settings: input.settings });
  await em.flush();
  await em.refresh(row);
  return { workspace: toWorkspace(row), created: true };
}

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

export async function workspaceExists(orm: MikroORM, id: string): Promise<boolean> {
  return (await orm.em.fork().count(WorkspaceSchema, { id })) > 0;
}

/** The workspaces that auto-join users of an email `domain`, only `workspaceId` when it is given. */
export async function autoJoiningWorkspaces(
  orm: MikroORM,
  domain: string,
  workspaceId: string | null,
): Promise<Workspace[]> {
  const rows = await orm.em.fork().find(
    WorkspaceSchema,
    {
      ...(workspaceId !== null && { id: workspaceId }),
      settings: { autoJoin: { mode: { $in: ['join', 'request'] } } },
    },
    { orderBy: { createdAt: 'asc', id: 'asc' } },
  );
  return rows.map(toWorkspace).filter((workspace) => workspace.settings.autoJoin?.domains.includes(domain));
}
