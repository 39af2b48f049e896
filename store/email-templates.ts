import type { MikroORM } from '@mikro-orm/postgresql';
import type { EmailTemplateName, EmailTemplateSources } from '../domain/email-template';

export type TemplateOverrides = (
  workspaceId: string,
  name: EmailTemplateName,
) => Promise<Map<string, EmailTemplateSources>>;

/** A workspace's own versions of one email, by locale, read at each send so an edit applies at once. */
export function createTemplateOverrides(orm: MikroORM): TemplateOverrides {
  return async (workspaceId, name) => {
    const rows = await orm.em
      .fork()
      .execute<(EmailTemplateSources & { locale: string })[]>(
        'select locale, subject, html, text from email_templates where workspace_id = ? and name = ?',
        [workspaceId, name],
      );
    return new Map(rows.map(({ locale, subject, html, text }) => [locale, { subject, html, text }]));
  };
}
