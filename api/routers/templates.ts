import { Router } from 'express';
import {
  createTemplateOverrides,
  deleteEmailTemplate,
  findEmailTemplate,
  saveEmailTemplate,
} from '../../store/email-templates';
import { EmailTemplates } from '../../delivery/email-templates';
import { parseDuration } from '../../domain/duration';
import { checkTemplates, type EmailTemplateName, type EmailTemplateView } from '../../domain/email-template';
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
    const row = await findEmailTemplate(ctx.orm, ws, name, locale);
    if (!row) throw new Problem('template_not_found', `workspace "${ws}" has no ${locale} ${name} template of its own`);
    return { workspaceId: ws, name, locale, ...row };
  }

  serve(router, routes.putEmailTemplate, async ({ params: { ws, name, locale }, body: sources }) => {
    checkTemplates(sources);
    await getWorkspace(ctx.orm, ws);
    await saveEmailTemplate(ctx.orm, ws, name, locale, sources);
    return { status: 200, body: await stored(ws, name, locale) };
  });

  serve(router, routes.getEmailTemplate, async ({ params: { ws, name, locale } }) => {
    return { status: 200, body: await stored(ws, name, locale) };
  });

  serve(router, routes.deleteEmailTemplate, async ({ params: { ws, name, locale } }) => {
    await stored(ws, name, locale);
    await deleteEmailTemplate(ctx.orm, ws, name, locale);
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
