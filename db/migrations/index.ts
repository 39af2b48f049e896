import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261121000000 } from './Migration20261121000000';

/**
 * Listed, not globbed: the same list works from .ts (tsx, ts-jest) and from
 * compiled .js, and names stay stable whichever one runs.
 */
export const migrationsList: MigrationObject[] = [{ name: 'Migration20261121000000', class: Migration20261121000000 }];
