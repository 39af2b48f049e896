import { Router } from 'express';
import { createTemplateOverrides } from '../../store/email-template-overrides';
import { EmailTemplates } from '../../delivery/email-templates';
import { parseDuration } from '../../domain/duration';
import {
  checkTemplates,
  type EmailTemplateName,
  type EmailTemplateSources,
  type EmailTemplateView,
} from '../../domain/email-template';
import { acceptLink } from '../../domain/workspace';
import type { ApiContext } from '../context';
import { Problem } from '../problem';
import { routes } from '../../contract';
import { serve } from '../serve';
import { getWorkspace } from '../../store/workspaces';

/** A workspace's own wording of its emails, per template and language, checked when saved. */
export function templatesRouter(ctx: ApiContext): Router {
  const router = Router();
  const templates = new EmailTemplates();
  const overrides = createTemplateOverrides(ctx.orm);

  async function stored(ws: string, name: EmailTemplateName, locale: string): Promise<EmailTemplateView> {
    const [row] = await ctx.orm.em
      .fork()
      .execute<(EmailTemplateSources & { updated_at: Date })[]>(
        'select subject, html, text, updated_at from email_templates where workspace_id = ? and name = ? and locale = ?',
        [ws, name, locale],
      );
    if (!row) throw new Problem('template_not_found', `workspace "${ws}" has no ${locale} ${name} template of its own`);
    const { subject, html, text, updated_at: updatedAt } = row;
    return { workspaceId: ws, name, locale, subject, html, text, updatedAt: new Date(updatedAt).toISOString() };
  }

  serve(router, routes.putEmailTemplate, async ({ params: { ws, name, locale }, body: sources }) => {
    checkTemplates(sources);
    await getWorkspace(ctx.orm, ws);
    await ctx.orm.em.fork().execute(
      `insert into email_templates (workspace_id, name, locale, subject, html, text) values (?, ?, ?, ?, ?, ?)
       on conflict (workspace_id, name, locale) do update
       set subject = excluded.subject, html = excluded.html, text = excluded.text, updated_at = now()`,
      [ws, name, locale, sources.subject, sources.html, sources.text],
    );
    return { status: 200, body: await stored(ws, name, locale) };
  });

  serve(router, routes.getEmailTemplate, async ({ params: { ws, name, locale } }) => {
    return { status: 200, body: await stored(ws, name, locale) };
  });

  serve(router, routes.deleteEmailTemplate, async ({ params: { ws, name, locale } }) => {
    await stored(ws, name, locale);
    await ctx.orm.em
      .fork()
      .execute('delete from email_templates where workspace_id = ? and name = ? and locale = ?', [ws, name, locale]);
    return { status: 204 };
  });

  serve(router, routes.previewEmailTemplate, async ({ params: { ws, name }, body: { locale, draft } }) => {
    if (draft) checkTemplates(draft);
    const workspace = await getWorkspace(ctx.orm, ws);
    const wanted = locale ?? workspace.settings.locale;
    const sources = await overrides(ws, name);
    if (draft) sources.set(wanted, draft);
    const ttlMs = parseDuration(workspace.settings.invitationTtl) ?? 0;
    const sample = {
      workspaceName: workspace.name,
      inviterName: 'Ada Admin',
      inviteeName: 'Sam Sample',
      roles: [workspace.settings.defaultRole],
      link: acceptLink(workspace.settings, ctx.publicBaseUrl, 'sample-token'),
      expiresAt: new Date(Date.now() + ttlMs).toISOString(),
    };
    return { status: 200, body: templates.render(name, [wanted, workspace.settings.locale], sample, sources) };
  });

  return router;
}
