import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { repoRoot } from '../../config/paths';
import { defaultAccent, textOn } from '../../domain/brand-colour';
import { localeCandidates, longDate } from '../../domain/locale';

export const pageNames = ['invitation', 'accepted', 'declined', 'dead-link', 'busy'] as const;
export type PageName = (typeof pageNames)[number];

/** What every page's layout shows: the workspace's brand when the page is about one of its invitations. */
export interface PageFrame {
  workspaceName?: string;
  logoUrl?: string | null;
  accentColor?: string | null;
  /** Which text of the locale titles the page. */
  titleText: string;
  /** The CSP nonce of the page's one style element. */
  nonce: string;
}

type Texts = Record<string, Handlebars.TemplateDelegate>;

/**
 * The invitee's pages, server-rendered: templates/pages/<page>.hbs inside
 * layout.hbs, worded by templates/pages/<locale>/texts.json, where every
 * text is a Handlebars template over the page's model, escaped like the page.
 */
export class PageRenderer {
  private readonly handlebars = Handlebars.create();
  private readonly layout: Handlebars.TemplateDelegate;
  private readonly css: string;
  private readonly pages: Record<PageName, Handlebars.TemplateDelegate>;
  private readonly texts = new Map<string, Texts>();

  constructor(directory = join(repoRoot, 'templates', 'pages')) {
    this.handlebars.registerHelper('or', (value: unknown, fallback: unknown) => value || fallback);
    this.handlebars.registerHelper('longDate', (iso: unknown, options: Handlebars.HelperOptions) =>
      typeof iso === 'string' ? longDate(iso, (options.data as { root: { locale: string } }).root.locale) : '',
    );
    const read = (file: string) => readFileSync(join(directory, file), 'utf8');
    this.layout = this.handlebars.compile(read('layout.hbs'), { strict: true });
    this.css = read('page.css');
    this.pages = Object.fromEntries(
      pageNames.map((name) => [name, this.handlebars.compile(read(`${name}.hbs`))]),
    ) as Record<PageName, Handlebars.TemplateDelegate>;
    for (const entry of readdirSync(directory, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const sources = JSON.parse(read(join(entry.name, 'texts.json'))) as Record<string, string>;
      this.texts.set(
        entry.name,
        Object.fromEntries(Object.entries(sources).map(([key, source]) => [key, this.handlebars.compile(source)])),
      );
    }
  }

  /** The first wanted locale that ships (`fr-CA` also tries `fr`), else English. */
  locale(wanted: readonly (string | null | undefined)[]): string {
    return localeCandidates(wanted).find((locale) => this.texts.has(locale)) ?? 'en';
  }

  /** The locales pages ship in, for negotiating a page about no invitation in particular. */
  get locales(): string[] {
    return [...this.texts.keys()];
  }

  render(page: PageName, locale: string, frame: PageFrame, model: Record<string, unknown> = {}): string {
    const texts = this.texts.get(locale) ?? this.texts.get('en')!;
    const data = { ...model, workspaceName: frame.workspaceName, locale };
    const t = Object.fromEntries(Object.entries(texts).map(([key, text]) => [key, text(data)]));
    const accent = frame.accentColor ?? defaultAccent;
    return this.layout({
      locale,
      title: new Handlebars.SafeString(t[frame.titleText] ?? ''),
      nonce: frame.nonce,
      accent,
      onAccent: textOn(accent),
      css: this.css,
      logoUrl: frame.logoUrl ?? null,
      workspaceName: frame.workspaceName ?? '',
      body: this.pages[page]({ ...data, t }),
    });
  }
}
