import { createHmac, randomBytes } from 'node:crypto';
import cookieParser from 'cookie-parser';
import { doubleCsrf } from 'csrf-csrf';
import express, { Router, type Request, type Response } from 'express';
import { RuleViolation } from '../../domain/error-codes';
import { hasExpired } from '../../domain/invitation';
import { acceptInvitationSchema } from '../../domain/invitation-input';
import type { InvitationView } from '../../domain/invitation-view';
import { invitationPagePath, withToken, type Workspace } from '../../domain/workspace';
import { getWorkspace } from '../../store/workspaces';
import { runUpdate } from '../../usecases/invitation-runs';
import { declineUpdate } from '../../workflows/invitation-messages';
import type { ApiContext } from '../context';
import { invitationLinks } from '../invitation-link';
import { Problem, sendProblem } from '../problem';
import { pageSecurityPolicy } from './page-policy';
import { PageRenderer, type PageFrame, type PageName } from './page-renderer';

const declinePath = '/invitations/decline';

/** The pages' paths: browsers' business, left out of the API's OpenAPI document. */
export const invitationPagePaths = [invitationPagePath, declinePath];

/** A token as links carry it; anything else is a dead link without looking further. */
function tokenIn(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 && value.length <= 2048 ? value : undefined;
}

/**
 * The invitee's page at the default link. Opening it (GET, HEAD: mail
 * scanners fetch links) never uses the link up; only its forms act, by POST,
 * each with a CSRF token bound to the invitation token. Accept continues to
 * the workspace's `signupUrl`, or (under `inviteflow start` only) accepts as
 * a typed user id; decline records `invitation.declined`. Forged, expired,
 * revoked and declined links share one 404 page, under the API's caps.
 */
export function invitationPageRouter(ctx: ApiContext): Router {
  const router = Router();
  const links = invitationLinks(ctx);
  const pages = new PageRenderer();
  const secure = ctx.publicBaseUrl.startsWith('https:');
  const { generateCsrfToken, validateRequest } = doubleCsrf({
    getSecret: () => createHmac('sha256', ctx.secret).update('inviteflow invitation page csrf').digest('base64url'),
    // Bound to the invitation token: a form of one invitation's page cannot act on another.
    getSessionIdentifier: (req) =>
      tokenIn((req.body as { token?: unknown } | undefined)?.token) ?? tokenIn(req.query.token) ?? '',
    // `__Host-` cookies need https; on a plain-http development address the name goes without it.
    cookieName: secure ? '__Host-inviteflow-csrf' : 'inviteflow-csrf',
    cookieOptions: { sameSite: 'strict', path: '/', secure, httpOnly: true },
    getCsrfTokenFromRequest: (req) => (req.body as { csrf?: string } | undefined)?.csrf,
  });

  function send(
    req: Request,
    res: Response,
    status: number,
    page: PageName,
    frame: Omit<PageFrame, 'nonce'> & { locale: string; formTarget?: string },
    model: Record<string, unknown> = {},
  ): void {
    const nonce = randomBytes(16).toString('base64');
    const html = pages.render(page, frame.locale, { ...frame, nonce }, model);
    res
      .status(status)
      .set({
        'content-type': 'text/html; charset=utf-8',
        // Pages carry the token in their forms: neither caches nor search engines keep them.
        'cache-control': 'no-store',
        'x-robots-tag': 'noindex',
        'content-security-policy': pageSecurityPolicy(nonce, {
          imageOrigin: frame.logoUrl ? new URL(frame.logoUrl).origin : undefined,
          formTarget: frame.formTarget,
        }),
      })
      .send(req.method === 'HEAD' ? undefined : html);
  }

  /** The reader's language, for pages about no invitation in particular. */
  const readerLocale = (req: Request) => req.acceptsLanguages(pages.locales) || 'en';

  /** One page for every dead link. */
  function deadLink(req: Request, res: Response, expired = false): void {
    send(req, res, 404, 'dead-link', { locale: readerLocale(req), titleText: 'deadTitle' }, { expired });
  }

  function frameOf(invitation: InvitationView, workspace: Workspace, titleText: string) {
    const { settings } = workspace;
    return {
      locale: pages.locale([invitation.locale, settings.locale]),
      workspaceName: workspace.name,
      logoUrl: settings.branding.logoUrl,
      accentColor: settings.branding.accentColor,
      titleText,
      formTarget: settings.signupUrl ?? undefined,
    };
  }

  function showInvitation(
    req: Request,
    res: Response,
    token: string,
    invitation: InvitationView,
    workspace: Workspace,
    {
      status = 200,
      refusal,
      userId,
      email,
    }: { status?: number; refusal?: string; userId?: string; email?: string } = {},
  ): void {
    const { settings } = workspace;
    const devForm = Boolean(ctx.devAcceptForm) && !settings.signupUrl;
    send(req, res, status, 'invitation', frameOf(invitation, workspace, 'title'), {
      token,
      csrf: generateCsrfToken(req, res, { overwrite: false }),
      pagePath: invitationPagePath,
      declinePath,
      inviteeName: invitation.invitee.name ?? null,
      inviterName: invitation.inviter.name ?? null,
      roles: invitation.roles,
      expiresAt: invitation.expiresAt,
      app: settings.app,
      acceptable: Boolean(settings.signupUrl) || devForm,
      devForm,
      refusal,
      userId,
      email,
    });
  }

  /**
   * The link's invitation and workspace, or `undefined` once its answer is
   * sent: the dead-link page, or 429 past the caps.
   */
  async function linked(req: Request, res: Response, token: string | undefined) {
    if (token === undefined) return deadLink(req, res);
    try {
      const { invitation, dead } = await links.read(req, token);
      if (dead) return deadLink(req, res, hasExpired(invitation, new Date()));
      return { invitation, workspace: await getWorkspace(ctx.orm, invitation.workspaceId) };
    } catch (error) {
      if (error instanceof Problem && error.code === 'invalid_token') return deadLink(req, res);
      if (error instanceof Problem && error.code === 'too_many_attempts') {
        res.set(error.headers);
        return send(req, res, 429, 'busy', { locale: readerLocale(req), titleText: 'busyHeading' });
      }
      throw error;
    }
  }

  const cookies = cookieParser();
  const forms = [cookies, express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 10 })];

  router.get(invitationPagePath, cookies, async (req, res) => {
    const token = tokenIn(req.query.token);
    const found = await linked(req, res, token);
    if (!found) return;
    const { invitation, workspace } = found;
    if (invitation.status === 'accepted') {
      return send(req, res, 200, 'accepted', frameOf(invitation, workspace, 'alreadyHeading'), {
        app: workspace.settings.app,
        already: true,
      });
    }
    showInvitation(req, res, token!, invitation, workspace);
  });

  /** Back to the page, which shows the invitation as it is now. */
  function pageAgain(res: Response, token: string | undefined): void {
    res.redirect(
      303,
      token === undefined ? invitationPagePath : `${invitationPagePath}?token=${encodeURIComponent(token)}`,
    );
  }

  /** A form whose CSRF token does not check acts on nothing: the page is shown again, with a fresh one. */
  function checkedForm(req: Request, res: Response): string | undefined {
    const token = tokenIn((req.body as { token?: unknown }).token);
    if (token !== undefined && validateRequest(req)) return token;
    pageAgain(res, token);
    return undefined;
  }

  /** A form of the page: its CSRF token is checked and its link read before `act` runs, with a live invitation. */
  function form(
    path: string,
    act: (
      req: Request,
      res: Response,
      token: string,
      found: { invitation: InvitationView; workspace: Workspace },
    ) => Promise<void>,
  ): void {
    router.post(path, ...forms, async (req, res) => {
      const token = checkedForm(req, res);
      if (token === undefined) return;
      const found = await linked(req, res, token);
      if (found) await act(req, res, token, found);
    });
  }

  form(invitationPagePath, async (req, res, token, { invitation, workspace }) => {
    const { signupUrl } = workspace.settings;
    if (signupUrl) return res.redirect(303, withToken(signupUrl, token));
    if (!ctx.devAcceptForm) return showInvitation(req, res, token, invitation, workspace, { status: 409 });

    const { userId, email } = req.body as { userId?: string; email?: string };
    const typed = { userId: userId ?? '', email: email || undefined };
    const acceptor = acceptInvitationSchema.safeParse({ token, ...typed });
    if (!acceptor.success) {
      const refusal = acceptor.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`).join('; ');
      return showInvitation(req, res, token, invitation, workspace, { status: 422, refusal, ...typed });
    }
    try {
      await links.accept(invitation, { userId: acceptor.data.userId, email: acceptor.data.email });
    } catch (error) {
      if (error instanceof Problem && error.code === 'invalid_token') return deadLink(req, res);
      const problem = error instanceof RuleViolation ? Problem.fromRule(error) : error;
      if (!(problem instanceof Problem)) throw error;
      return showInvitation(req, res, token, invitation, workspace, {
        status: problem.status,
        refusal: problem.detail,
        ...typed,
      });
    }
    send(req, res, 200, 'accepted', frameOf(invitation, workspace, 'acceptedHeading'), { app: workspace.settings.app });
  });

  form(declinePath, async (req, res, token, { invitation, workspace }) => {
    try {
      await runUpdate(links.runs, invitation.id, declineUpdate, {});
    } catch (error) {
      // Accepted meanwhile, or another state that cannot decline: the page says what it is now.
      if (error instanceof RuleViolation) return pageAgain(res, token);
      throw error;
    }
    send(req, res, 200, 'declined', frameOf(invitation, workspace, 'declinedHeading'), {
      inviterName: invitation.inviter.name ?? null,
    });
  });

  for (const [path, allow] of [
    [invitationPagePath, 'GET, HEAD, POST'],
    [declinePath, 'POST'],
  ] as const) {
    router.all(path, (req, res) => {
      if (req.method === 'OPTIONS') return void res.set('allow', `${allow}, OPTIONS`).status(204).end();
      sendProblem(
        res,
        new Problem('method_not_allowed', `${req.method} is not allowed here; use ${allow}`, [], { allow }),
      );
    });
  }

  return router;
}
