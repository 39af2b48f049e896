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

export interface StoredEmailTemplate extends EmailTemplateSources {
  updatedAt: string;
}

export async function findEmailTemplate(
  orm: MikroORM,
  workspaceId: string,
  name: EmailTemplateName,
  locale: string,
): Promise<StoredEmailTemplate | undefined> {
  const [row] = await orm.em
    .fork()
    .execute<(EmailTemplateSources & { updated_at: string })[]>(
      'select subject, html, text, updated_at from email_templates where workspace_id = ? and name = ? and locale = ?',
      [workspaceId, name, locale],
    );
  return (
    row && { subject: row.subject, html: row.html, text: row.text, updatedAt: new Date(row.updated_at).toISOString() }
  );
}

/** Creates the workspace's own version of one email in one locale, or replaces it. */
export async function saveEmailTemplate(
  orm: MikroORM,
  workspaceId: string,
  name: EmailTemplateName,
  locale: string,
  sources: EmailTemplateSources,
): Promise<void> {
  await orm.em.fork().execute(
    `insert into email_templates (workspace_id, name, locale, subject, html, text) values (?, ?, ?, ?, ?, ?)
     on conflict (workspace_id, name, locale) do update
     set subject = excluded.subject, html = excluded.html, text = excluded.text, updated_at = now()`,
    [workspaceId, name, locale, sources.subject, sources.html, sources.text],
  );
}

export async function deleteEmailTemplate(
  orm: MikroORM,
  workspaceId: string,
  name: EmailTemplateName,
  locale: string,
): Promise<void> {
  await orm.em
    .fork()
    .execute('delete from email_templates where workspace_id = ? and name = ? and locale = ?', [
      workspaceId,
      name,
      locale,
    ]);
}
