import { randomUUID } from 'node:crypto';
import express, { type Express, type RequestHandler } from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import { loggableError } from '../db/errors';
import { withRequestId } from '../runtime/request-context';
import { authenticate } from './auth';
import { httpMetrics } from './http-metrics';
import { SecretBox } from '../domain/secret-box';
import { idempotency } from './idempotency';
import type { ApiContext } from './context';
import { Problem, problemHandler, sendProblem } from './problem';
import { checkAllServed, methodNotAllowed } from './serve';
import { docsRouter } from './routers/docs';
import { invitationPageRouter } from './pages/invitation-page';
import { healthRouter } from './routers/health';
import { invitationsRouter } from './routers/invitations';
import { invitationCodeRouter } from './routers/invitation-code';
import { invitationLinksRouter } from './routers/invitation-links';
import { joinRouter } from './routers/join';
import { inviteLinksRouter } from './routers/invite-links';
import { maxBulkBytes } from '../domain/bulk-input';
import { bulkRouter } from './routers/bulk';
import { codecRouter } from './routers/codec';
import { membersRouter } from './routers/members';
import { providersRouter } from './routers/providers';
import { registrationsRouter } from './routers/registrations';
import { statsRouter } from './routers/stats';
import { templatesRouter } from './routers/templates';
import { webhookEndpointsRouter } from './routers/webhook-endpoints';
import { workspacesRouter } from './routers/workspaces';

export interface AppOptions {
  /** Extra routes mounted before authentication, e.g. the dev outbox of `inviteflow start`. */
  extraRoutes?: RequestHandler[];
}

export function createApp(ctx: ApiContext, options: AppOptions = {}): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  // The API answers JSON only, so its policy lets nothing load; /docs sets its own. No Referer: links carry tokens.
  app.use(
    helmet({
      contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
      referrerPolicy: { policy: 'no-referrer' },
    }),
  );
  app.use(
    pinoHttp({
      logger: ctx.log,
      genReqId: (req, res) => {
        const given = req.headers['x-request-id'];
        const id = typeof given === 'string' && /^[\w.-]{1,64}$/.test(given) ? given : randomUUID();
        res.setHeader('x-request-id', id);
        return id;
      },
      // Query strings carry invitation tokens: log the path only, and no headers (API keys).
      serializers: {
        req: (req: { id: unknown; method: string; url: string }) => ({
          id: req.id,
          method: req.method,
          path: req.url.split('?')[0],
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
        // pino-http replaces the logger's own error serializer with this one.
        err: loggableError,
      },
    }),
  );
  // Everything the request runs, workflow starts and updates included, carries its id (`genReqId` makes it a string).
  app.use((req, _res, next) => withRequestId(req.id as string, next));
  // Bulk imports may be larger, and CSV; parsed here so Idempotency-Key sees every body.
  const isBulkImport = (req: { method?: string; url?: string }) =>
    req.method === 'POST' && /^\/v1\/workspaces\/[^/]+\/invitations\/bulk\/?(\?|$)/.test(req.url ?? '');
  const isJson = (req: { headers: { 'content-type'?: string } }) =>
    /^application\/([\w.-]+\+)?json\b/i.test(req.headers['content-type'] ?? '');
  // Providers' event webhooks are signed over their bytes: their routes read the body themselves.
  const isProviderEvent = (req: { url?: string }) => /^\/v1\/providers\//.test(req.url ?? '');
  app.use(express.json({ limit: '1mb', type: (req) => isJson(req) && !isBulkImport(req) && !isProviderEvent(req) }));
  app.use(express.json({ limit: maxBulkBytes, type: (req) => isJson(req) && isBulkImport(req) }));
  app.use(express.text({ limit: maxBulkBytes, type: (req) => isBulkImport(req) && !isJson(req) }));

  app.use(httpMetrics);
  // Temporal's codec protocol, outside /v1; it checks its own platform key and answers CORS preflights.
  app.use(codecRouter(ctx));
  app.use(methodNotAllowed());
  app.use(healthRouter(ctx));
  app.use(docsRouter());
  // The invitee's page at the default link: no API key, its own CSP.
  app.use(invitationPageRouter(ctx));
  for (const routes of options.extraRoutes ?? []) app.use(routes);
  // Signed by the provider instead of carrying an API key.
  app.use(providersRouter(ctx));

  app.use('/v1', authenticate(ctx.orm));
  app.use('/v1', idempotency(ctx.orm, new SecretBox(ctx.secret), ctx.log));
  app.use(workspacesRouter(ctx));
  app.use(bulkRouter(ctx));
  app.use(invitationsRouter(ctx));
  app.use(invitationLinksRouter(ctx));
  app.use(membersRouter(ctx));
  app.use(statsRouter(ctx));
  app.use(registrationsRouter(ctx));
  app.use(templatesRouter(ctx));
  app.use(webhookEndpointsRouter(ctx));
  app.use(invitationCodeRouter(ctx));
  app.use(joinRouter(ctx));
  app.use(inviteLinksRouter(ctx));

  app.use((req, res) => sendProblem(res, new Problem('not_found', `no route ${req.method} ${req.path}`)));
  app.use(problemHandler(ctx.log));
  checkAllServed();
  return app;
}
