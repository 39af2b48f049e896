import { randomBytes } from 'node:crypto';

/** Random, prefixed ids (`inv_…`): unguessable and free of personal data. */
export function newId(prefix: 'inv' | 'whe' | 'key' | 'blk' | 'lnk'): string {
  return `${prefix}_${randomBytes(15).toString('base64url')}`;
}
