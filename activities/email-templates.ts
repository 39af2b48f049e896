import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { repoRoot } from '../config/paths';

export interface InvitationEmailModel {
  workspaceName: string;
  inviterName: string;
  inviteeName: string | null;
  roles: string[];
  link: string;
  expiresOn: string;
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

/** Handlebars templates from templates/email, compiled once per process. */
export class EmailTemplates {
  private readonly handlebars = Handlebars.create();
  private readonly compiled = new Map<string, Handlebars.TemplateDelegate>();

  constructor(private readonly directory = join(repoRoot, 'templates', 'email')) {
    this.handlebars.registerHelper('join', (items: unknown) => (Array.isArray(items) ? items.join(', ') : ''));
  }

  render<Name extends keyof EmailModels>(name: Name, model: EmailModels[Name]): RenderedEmail {
    const part = (kind: Part) => this.template(name, kind)(model).trim();
    return { subject: part('subject'), html: part('html'), text: part('text') };
  }

  private template(name: string, part: Part): Handlebars.TemplateDelegate {
    const file = `${name}.${part}.hbs`;
    let template = this.compiled.get(file);
    if (!template) {
      const source = readFileSync(join(this.directory, file), 'utf8');
      // Only HTML is escaped: the subject and plain text are not markup.
      template = this.handlebars.compile(source, { noEscape: part !== 'html', strict: false });
      this.compiled.set(file, template);
    }
    return template;
  }
}
