import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import { z } from 'zod';
import { routeEntries } from '../contract';
import type { Answer, Method, Parsed, Reply, RouteDefinition } from '../contract/route';
import { authorizeWorkspace, requirePlatformKey } from './auth';
import { Problem } from './problem';
import { parse } from './validate';

export type Handler<R extends RouteDefinition> = (input: Parsed<R>, req: Request, res: Response) => Promise<Reply<R>>;

/** The declarations some router registered: an app that leaves one out fails to start. */
const served = new WeakSet<RouteDefinition>();

const isMedia = (answer: Answer): answer is Extract<Answer, { media: string }> => 'media' in answer;
const isJson = (answer: Answer): answer is Extract<Answer, { schema: z.ZodType }> => 'schema' in answer;

/** Providers batch their events: a body may hold thousands of them. */
const maxSignedBodyBytes = 5 * 1024 * 1024;

function jsonOf(raw: unknown): unknown {
  if (!Buffer.isBuffer(raw)) return undefined;
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    const message = 'the body is not valid JSON';
    throw new Problem('malformed_request', message, [{ field: '/', message }]);
  }
}

function parseBody(route: RouteDefinition, req: Request, csv: boolean): unknown {
  if (route.signedBody) return route.body ? parse(route.body, jsonOf(req.body), 'body') : undefined;
  if (route.csv && csv) {
    const text = typeof req.body === 'string' ? req.body : '';
    return { csv: true, text, query: parse(route.csv.query, req.query, 'query') };
  }
  const body = route.body ? parse(route.body, req.body, 'body') : undefined;
  return route.csv ? { csv: false, json: body } : body;
}

/**
 * Registers a route from its declaration, after `before` (a caller's
 * identity, a signature): the path parameters, query and
 * body are parsed with the declared schemas before the handler runs, a
 * platform route refuses other keys, and the handler answers one of the
 * declared statuses.
 */
export function serve<R extends RouteDefinition>(
  router: Router,
  route: R,
  handler: NoInfer<Handler<R>>,
  before: RequestHandler[] = [],
): void {
  served.add(route);
  const reading: RequestHandler[] = route.form
    ? [express.urlencoded({ extended: false, limit: '64kb' })]
    : route.signedBody
      ? [express.raw({ type: () => true, limit: maxSignedBodyBytes })]
      : [];
  const paramsSchema = route.params && z.object(route.params);
  router[route.method](route.path, ...reading, ...before, async (req, res) => {
    if (route.access === 'platformKey') requirePlatformKey(req);
    const params: Record<string, unknown> = paramsSchema ? parse(paramsSchema, req.params, 'path') : {};
    // The one check of a workspace key's reach: another workspace looks to it as a missing one does,
    // whatever else the request holds.
    if (typeof params.ws === 'string' && route.access !== 'public') authorizeWorkspace(req, params.ws);
    const csv = Boolean(route.csv && req.is('text/csv'));
    const query = route.query && !csv ? parse(route.query, req.query, 'query') : undefined;
    const body = parseBody(route, req, csv);
    const reply = (await handler({ params, query, body } as Parsed<R>, req, res)) as {
      status: number;
      body?: unknown;
      headers?: Record<string, string>;
    };
    const answer = route.answers[reply.status];
    if (!answer) throw new Error(`${route.method} ${route.path} answered ${reply.status}, which it does not declare`);
    res.status(reply.status).set(reply.headers ?? {});
    if (isJson(answer)) res.json(reply.body);
    else if (isMedia(answer)) {
      // A handler may name a more exact type of the same media, with its parameters.
      if (!res.get('content-type')) res.type(answer.media);
      res.send(reply.body);
    } else res.end();
  });
}

/** Fails when a declared route has no router: the document would promise what the server does not do. */
export function checkAllServed(): void {
  const missing = routeEntries.filter(([, route]) => !served.has(route)).map(([id]) => id);
  if (missing.length > 0) throw new Error(`declared routes without a router: ${missing.join(', ')}`);
}

const methodsOf = (methods: Method[]) => [
  ...new Set(methods.flatMap((method) => (method === 'get' ? ['GET', 'HEAD'] : [method.toUpperCase()]))),
];

/**
 * The declared paths, the most specific first as OpenAPI matches them: a
 * literal segment wins over a parameter in the same place, so
 * `.../templates/:name/preview` is found before `.../:name/:locale`.
 */
function declaredPaths(): { pattern: RegExp; allowed: string[] }[] {
  const byPath = new Map<string, Method[]>();
  for (const [, route] of routeEntries) byPath.set(route.path, [...(byPath.get(route.path) ?? []), route.method]);
  const rank = (path: string) =>
    path
      .split('/')
      .map((segment) => (segment.startsWith(':') ? '1' : '0'))
      .join('');
  return [...byPath]
    .sort(([a], [b]) => rank(a).localeCompare(rank(b)))
    .map(([path, methods]) => ({
      pattern: new RegExp(
        `^${path
          .split('/')
          .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
          .join('/')}/?$`,
      ),
      allowed: methodsOf(methods),
    }));
}

/**
 * A method the matching path does not declare is a 405 naming the ones it
 * does, before any router can read the request as another route's; OPTIONS
 * names them too. Mounted after the routers that answer CORS preflights.
 */
export function methodNotAllowed(): RequestHandler {
  const paths = declaredPaths();
  return (req, res, next) => {
    const found = paths.find(({ pattern }) => pattern.test(req.path));
    if (!found) return next();
    const { allowed } = found;
    if (req.method === 'OPTIONS') {
      res
        .set('allow', `${allowed.join(', ')}, OPTIONS`)
        .status(204)
        .end();
      return;
    }
    if (allowed.includes(req.method)) return next();
    const allow = allowed.join(', ');
    throw new Problem('method_not_allowed', `${req.method} is not allowed here; use ${allow}`, [], { allow });
  };
}
