import type { RequestHandler } from 'express';
import { httpRequestDuration } from '../runtime/metrics';

/**
 * Times every request by the route pattern that answered it (`/v1/workspaces/:ws`),
 * never the raw path, which carries ids and would grow the label set without bound.
 */
export const httpMetrics: RequestHandler = (req, res, next) => {
  const stop = httpRequestDuration.startTimer();
  res.once('finish', () => {
    const pattern = (req.route as { path?: unknown } | undefined)?.path;
    const route = typeof pattern === 'string' ? `${req.baseUrl}${pattern}` : 'unmatched';
    stop({ method: req.method, route, status: String(res.statusCode) });
  });
  next();
};
