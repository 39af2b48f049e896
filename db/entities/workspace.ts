import { EntitySchema, type Opt } from '@mikro-orm/core';
import { workspaceSettingsSchema, type Workspace, type WorkspaceSettings } from '../../domain/workspace';

/** Settings added since a workspace was stored read as their defaults. */
const defaultSettings = workspaceSettingsSchema.parse({});

export interface WorkspaceRow {
  /** Host-given: the id the host application already uses for the workspace. */
  id: string;
  name: string;
  settings: WorkspaceSettings;
  createdAt: Opt<Date>;
  updatedAt: Opt<Date>;
}

export const WorkspaceSchema = new EntitySchema<WorkspaceRow>({
  name: 'Workspace',
  tableName: 'workspaces',
  properties: {
    id: { type: 'text', primary: true },
    name: { type: 'text' },
    settings: { type: 'json' },
    createdAt: { type: 'datetime', defaultRaw: 'now()' },
    updatedAt: { type: 'datetime', defaultRaw: 'now()', onUpdate: () => new Date() },
  },
});

/** The domain's workspace, as the API shows it and activities read it. */
export function toWorkspace(row: WorkspaceRow): Workspace {
  return {
    id: row.id,
    name: row.name,
    settings: { ...defaultSettings, ...row.settings },
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
