import Handlebars from 'handlebars';
import { z } from 'zod';
import { RuleViolation } from './error-codes';

/** The first send, each resend and each reminder have their own email. */
export const emailTemplateNames = ['invitation', 'resend', 'reminder'] as const;
export type EmailTemplateName = (typeof emailTemplateNames)[number];

export const emailTemplateParts = ['subject', 'html', 'text'] as const;

export const templatePathSchema = z.object({
  ws: z.string().min(1).max(64),
  name: z.enum(emailTemplateNames),
  locale: z.string().regex(/^[a-z]{2}(-[A-Z]{2})?$/, 'must be a language tag such as "fr" or "fr-CA"'),
});

export const emailTemplateSchema = z.object({
  subject: z.string().trim().min(1).max(500),
  html: z.string().min(1).max(100_000),
  text: z.string().min(1).max(50_000),
});

export type EmailTemplateSources = z.infer<typeof emailTemplateSchema>;

/** Renders what would be sent in `locale`, or a draft before it is saved. */
export const previewTemplateSchema = z.object({
  locale: templatePathSchema.shape.locale.optional(),
  draft: emailTemplateSchema.optional(),
});

/**
 * Refuses a template that does not compile, naming the part and the line,
 * so a broken override is caught when it is saved rather than at send time.
 */
export function checkTemplatesCompile(sources: Partial<EmailTemplateSources>): void {
  for (const part of emailTemplateParts) {
    const source = sources[part];
    if (source === undefined) continue;
    try {
      Handlebars.precompile(source);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const line = /line (\d+)/.exec(message)?.[1] ?? /- (\d+):\d+/.exec(message)?.[1];
      const summary = message.split('\n').at(-1) ?? message;
      throw new RuleViolation(
        'template_invalid',
        `the ${part} template does not compile${line ? ` (line ${line})` : ''}: ${summary}`,
        `/${part}`,
      );
    }
  }
}
