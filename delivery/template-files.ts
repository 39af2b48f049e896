import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Locales come from requests: past this many lookups the cache starts again rather than grow. */
const maxEntries = 1_000;

/**
 * The templates shipped under one folder as `<locale>/<file>`, each looked up
 * on disk once per process: a bulk import renders thousands of messages.
 */
export class TemplateFiles {
  private readonly sources = new Map<string, string | null>();

  constructor(private readonly directory: string) {}

  /** The source of `<locale>/<file>`, or `null` when that locale does not ship it. */
  source(locale: string, file: string): string | null {
    // Only letters and dashes of a requested locale reach the path.
    const path = join(this.directory, locale.replace(/[^A-Za-z-]/g, ''), file);
    let source = this.sources.get(path);
    if (source === undefined) {
      if (this.sources.size >= maxEntries) this.sources.clear();
      source = existsSync(path) ? readFileSync(path, 'utf8') : null;
      this.sources.set(path, source);
    }
    return source;
  }
}
