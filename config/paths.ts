import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The repository (or installed package) root, from source and from dist/ alike. */
function findRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (
      existsSync(manifest) &&
      (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'inviteflow'
    ) {
      return dir;
    }
    if (dirname(dir) === dir) throw new Error(`no inviteflow package.json above ${start}`);
  }
}

export const repoRoot = findRoot(__dirname);
