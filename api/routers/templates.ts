import { Router, type Request } from 'express';
import { createTemplateOverrides } from '../../activities/email-template-overrides';
import { EmailTemplates } from '../../activities/email-templates';
import { parseDuration } from '../../domain/duration';
import {
  checkTemplates,
  emailTemplateSchema,
  previewTemplateSchema,
  templatePathSchema,
  type EmailTemplateSources,
} from '../../domain/email-template';
import { acceptLink } from '../../domain/workspace';
import { authorizeWorkspace } from '../auth';
import type { ApiContext } from '../context';
import { Problem } from '../problem';
import { parse, parseBody, withCheckedPathParams } from '../validate';
import { getWorkspace } from '../workspace-store';

/** A workspace's own wording of its emails, per template and language, checked when saved. */
export function templatesRouter(ctx: ApiContext): Router {
  const router = withCheckedPathParams(Router());
  const templates = new EmailTemplates();
  const overrides = createTemplateOverrides(ctx.orm);
  const path = '/v1/workspaces/:ws/templates/:name/:locale';

  function pathOf(req: Request) {
    const params = parse(templatePathSchema, req.params, 'path');
    authorizeWorkspace(req, params.ws);
    return params;
  }

  async function stored(ws: string, name: string, locale: string) {
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

  router.put(path, async (req, res) => {
    const { ws, name, locale } = pathOf(req);
    const sources = parseBody(emailTemplateSchema, req);
    checkTemplates(sources);
    await getWorkspace(ctx.orm, ws);
    await ctx.orm.em.fork().execute(
      `insert into email_templates (workspace_id, name, locale, subject, html, text) values (?, ?, ?, ?, ?, ?)
       on conflict (workspace_id, name, locale) do update
       set subject = excluded.subject, html = excluded.html, text = excluded.text, updated_at = now()`,
      [ws, name, locale, sources.subject, sources.html, sources.text],
    );
    res.json(await stored(ws, name, locale));
  });

  router.get(path, async (req, res) => {
    const { ws, name, locale } = pathOf(req);
    res.json(await stored(ws, name, locale));
  });

  router.delete(path, async (req, res) => {
    const { ws, name, locale } = pathOf(req);
    await stored(ws, name, locale);
    await ctx.orm.em
      .fork()
      .execute('delete from email_templates where workspace_id = ? and name = ? and locale = ?', [ws, name, locale]);
    res.status(204).end();
  });

  router.post('/v1/workspaces/:ws/templates/:name/preview', async (req, res) => {
    const { ws, name } = parse(templatePathSchema.omit({ locale: true }), req.params, 'path');
    authorizeWorkspace(req, ws);
    const { locale, draft } = parseBody(previewTemplateSchema, req);
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
    res.json(templates.render(name, [wanted, workspace.settings.locale], sample, sources));
  });

  return router;
}
