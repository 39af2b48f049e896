import { ApiKeySchema } from './api-key';
import { WorkspaceSchema } from './workspace';

export * from './api-key';
export * from './workspace';

/** Every entity, listed explicitly: discovery never globs or reads decorator metadata. */
export const entities = [WorkspaceSchema, ApiKeySchema];
