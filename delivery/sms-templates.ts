import { join } from 'node:path';
import Handlebars from 'handlebars';
import { repoRoot } from '../config/paths';
import { localeCandidates } from '../domain/locale';
import { firstFittingSms, shortenName } from '../domain/sms';
import { TemplateFiles } from './template-files';

export type SmsTemplateName = 'invitation' | 'reminder';

export interface SmsModel {
  workspaceName: string;
  /** The templates say "a teammate", in their language, when the host gave no name. */
  inviterName: string | null;
  link: string;
  /** The host's app, so an invitee reached on their phone knows what to install. */
  app: { name: string; url: string } | null;
}

/** Thrown when even the shortest text is over the limit: the link itself is too long to text. */
export class SmsTooLongError extends Error {
  override readonly name = 'SmsTooLongError';
}

/**
 * Handlebars texts from templates/sms/<locale>/, compiled once per process.
 * Each is fitted into two segments: long names are shortened, then the app
 * line dropped, then the names, and the link always stays.
 */
export class SmsTemplates {
  private readonly handlebars = Handlebars.create();
  private readonly compiled = new Map<string, Handlebars.TemplateDelegate<SmsModel>>();

  private readonly files: TemplateFiles;

  constructor(directory = join(repoRoot, 'templates', 'sms')) {
    this.files = new TemplateFiles(directory);
    this.handlebars.registerHelper('or', (value: unknown, fallback: unknown) => value || fallback);
  }

  render(name: SmsTemplateName, locales: (string | null | undefined)[], model: SmsModel): string {
    const locale = localeCandidates(locales).find((candidate) => this.files.source(candidate, `${name}.hbs`) !== null)!;
    const template = this.template(locale, name);
    const text = firstFittingSms(shorterModels(model).map((variant) => template(variant).trim()));
    if (text === undefined)
      throw new SmsTooLongError(`the ${name} SMS does not fit in two segments even without names`);
    return text;
  }

  /** Compiled once per shipped file: `locale` is one that ships `name`. */
  private template(locale: string, name: string): Handlebars.TemplateDelegate<SmsModel> {
    const key = `${locale}/${name}`;
    let template = this.compiled.get(key);
    if (!template) {
      template = this.handlebars.compile<SmsModel>(this.files.source(locale, `${name}.hbs`)!, { noEscape: true });
      this.compiled.set(key, template);
    }
    return template;
  }
}

/** The model, then ever shorter versions of it: what an SMS can lose before it loses its point. */
function shorterModels(model: SmsModel): SmsModel[] {
  const shortened = (limit: number): Pick<SmsModel, 'workspaceName' | 'inviterName'> => ({
    workspaceName: shortenName(model.workspaceName, limit),
    inviterName: model.inviterName && shortenName(model.inviterName, limit),
  });
  return [
    model,
    { ...model, ...shortened(40) },
    { ...model, ...shortened(20), app: null },
    { ...model, workspaceName: shortenName(model.workspaceName, 12), inviterName: null, app: null },
  ];
}
