import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { repoRoot } from '../config/paths';

export interface InvitationEmailModel {
  workspaceName: string;
  /** The templates say "a teammate", in their language, when the host gave no name. */
  inviterName: string | null;
  inviteeName: string | null;
  roles: string[];
  link: string;
  expiresAt: string | null;
  isResend: boolean;
}

/** A reminder repeats the invitation; it is never a resend. */
export type ReminderEmailModel = Omit<InvitationEmailModel, 'isResend'>;

interface EmailModels {
  invitation: InvitationEmailModel;
  reminder: ReminderEmailModel;
}

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

type Part = keyof RenderedEmail;

/** The languages templates exist in; anything else falls back, finally to English. */
export const defaultLocale = 'en';

/**
 * Handlebars templates from templates/email/<locale>/, compiled once per
 * process. Each email is rendered in the first of the wanted locales that has
 * it (`fr-CA` also tries `fr`), then in English.
 */
export class EmailTemplates {
  private readonly handlebars = Handlebars.create();
  private readonly compiled = new Map<string, Handlebars.TemplateDelegate>();

  constructor(private readonly directory = join(repoRoot, 'templates', 'email')) {
    this.handlebars.registerHelper('join', (items: unknown) => (Array.isArray(items) ? items.join(', ') : ''));
    this.handlebars.registerHelper('or', (value: unknown, fallback: unknown) => value || fallback);
    this.handlebars.registerHelper('longDate', (iso: unknown, options: Handlebars.HelperOptions) => {
      if (typeof iso !== 'string') return '';
      const locale = (options.data as { root: { locale: string } }).root.locale;
      const date = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' });
      return `${date.format(new Date(iso))} UTC`;
    });
  }

  render<Name extends keyof EmailModels>(
    name: Name,
    locales: (string | null | undefined)[],
    model: EmailModels[Name],
  ): RenderedEmail & { locale: string } {
    const locale = this.localeFor(name, locales);
    const part = (kind: Part) => this.template(locale, name, kind)({ ...model, locale }).trim();
    return { subject: part('subject'), html: part('html'), text: part('text'), locale };
  }

  private localeFor(name: string, wanted: (string | null | undefined)[]): string {
    const candidates = wanted.flatMap((locale) => (locale ? [locale, locale.split('-')[0]!] : []));
    return candidates.find((locale) => existsSync(this.file(locale, name, 'subject'))) ?? defaultLocale;
  }

  private file(locale: string, name: string, part: Part): string {
    return join(this.directory, locale.replace(/[^A-Za-z-]/g, ''), `${name}.${part}.hbs`);
  }

  private template(locale: string, name: string, part: Part): Handlebars.TemplateDelegate {
    const file = this.file(locale, name, part);
    let template = this.compiled.get(file);
    if (!template) {
      // Only HTML is escaped: the subject and plain text are not markup.
      template = this.handlebars.compile(readFileSync(file, 'utf8'), { noEscape: part !== 'html', strict: false });
      this.compiled.set(file, template);
    }
    return template;
  }
}
