import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261121000000 } from './Migration20261121000000';
import { Migration20261122000000 } from './Migration20261122000000';
import { Migration20261123000000 } from './Migration20261123000000';
import { Migration20261124000000 } from './Migration20261124000000';
import { Migration20261125000000 } from './Migration20261125000000';
import { Migration20261126000000 } from './Migration20261126000000';
import { Migration20261127000000 } from './Migration20261127000000';
import { Migration20261128000000 } from './Migration20261128000000';
import { Migration20261129000000 } from './Migration20261129000000';
import { Migration20261130000000 } from './Migration20261130000000';
import { Migration20261201000000 } from './Migration20261201000000';
import { Migration20261202000000 } from './Migration20261202000000';

/**
 * Listed, not globbed: the same list works from .ts (tsx, ts-jest) and from
 * compiled .js, and names stay stable whichever one runs.
 */
export const migrationsList: MigrationObject[] = [
  { name: 'Migration20261121000000', class: Migration20261121000000 },
  { name: 'Migration20261122000000', class: Migration20261122000000 },
  { name: 'Migration20261123000000', class: Migration20261123000000 },
  { name: 'Migration20261124000000', class: Migration20261124000000 },
  { name: 'Migration20261125000000', class: Migration20261125000000 },
  { name: 'Migration20261126000000', class: Migration20261126000000 },
  { name: 'Migration20261127000000', class: Migration20261127000000 },
  { name: 'Migration20261128000000', class: Migration20261128000000 },
  { name: 'Migration20261129000000', class: Migration20261129000000 },
  { name: 'Migration20261130000000', class: Migration20261130000000 },
  { name: 'Migration20261201000000', class: Migration20261201000000 },
  { name: 'Migration20261202000000', class: Migration20261202000000 },
];
