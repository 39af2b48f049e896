import { join } from 'node:path';
import Handlebars from 'handlebars';
import { LRUCache } from 'lru-cache';
import { repoRoot } from '../config/paths';
import { compileOptions, type EmailTemplateName, type EmailTemplateSources } from '../domain/email-template';
import { localeCandidates, longDate } from '../domain/locale';
import { TemplateFiles } from './template-files';

/** What the invitation, resend and reminder emails show: who invites to what, the link and the expiry. */
export interface InvitationEmailModel {
  workspaceName: string;
  /** The templates say "a teammate", in their language, when the host gave no name. */
  inviterName: string | null;
  inviteeName: string | null;
  roles: string[];
  link: string;
  expiresAt: string | null;
}

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

type Part = keyof RenderedEmail;

/**
 * Compiled templates kept, weighed by their source's length: a compiled
 * template takes a few times its source in memory, and a source can be
 * 100 KB, so a count alone would not bound the cache.
 */
const maxCompiledSourceBytes = 4 * 1024 * 1024;

/**
 * Handlebars templates from templates/email/<locale>/, compiled once per
 * process. Each email is rendered in the first of the wanted locales that has
 * it (`fr-CA` also tries `fr`), then in English.
 */
export class EmailTemplates {
  private readonly handlebars = Handlebars.create();
  private readonly compiled = new LRUCache<string, Handlebars.TemplateDelegate>({
    maxSize: maxCompiledSourceBytes,
    sizeCalculation: (_template, key) => key.length,
  });

  private readonly files: TemplateFiles;

  constructor(directory = join(repoRoot, 'templates', 'email')) {
    this.files = new TemplateFiles(directory);
    // Templates cannot call them (see templateHelpers); gone, they cannot run even from a template saved before.
    this.handlebars.unregisterHelper('log');
    this.handlebars.unregisterHelper('lookup');
    this.handlebars.registerHelper('join', (items: unknown) => (Array.isArray(items) ? items.join(', ') : ''));
    this.handlebars.registerHelper('or', (value: unknown, fallback: unknown) => value || fallback);
    this.handlebars.registerHelper('longDate', (iso: unknown, options: Handlebars.HelperOptions) => {
      if (typeof iso !== 'string') return '';
      return longDate(iso, (options.data as { root: { locale: string } }).root.locale);
    });
  }

  /**
   * Renders in the first wanted locale that the workspace overrides or that
   * ships, then English. `overrides` are the workspace's own sources by locale.
   */
  render(
    name: EmailTemplateName,
    locales: (string | null | undefined)[],
    model: InvitationEmailModel,
    overrides: ReadonlyMap<string, EmailTemplateSources> = new Map(),
  ): RenderedEmail & { locale: string } {
    const locale = localeCandidates(locales).find(
      (candidate) => overrides.has(candidate) || this.shipped(candidate, name, 'subject') !== null,
    )!;
    const override = overrides.get(locale);
    const part = (kind: Part) => {
      const source = override ? override[kind] : this.shipped(locale, name, kind);
      if (source === null) throw new Error(`templates/email/${locale}/${name}.${kind}.hbs is missing`);
      const template = this.compile(source, kind);
      return template({ ...model, locale }).trim();
    };
    return { subject: part('subject'), html: part('html'), text: part('text'), locale };
  }

  private shipped(locale: string, name: string, part: Part): string | null {
    return this.files.source(locale, `${name}.${part}.hbs`);
  }

  /** Compiled once per distinct source while it stays in the cache. */
  private compile(source: string, part: Part): Handlebars.TemplateDelegate {
    const key = `${part}\0${source}`;
    let template = this.compiled.get(key);
    if (!template) {
      // Only HTML is escaped: the subject and plain text are not markup.
      template = this.handlebars.compile(source, { ...compileOptions, noEscape: part !== 'html', strict: false });
      this.compiled.set(key, template);
    }
    return template;
  }
}
