import { Router } from 'express';
import { isDatabaseReady } from '../../db/orm';
import { metricsContentType, metricsText } from '../../runtime/metrics-text';
import { authenticate } from '../auth';
import { routes } from '../../contract';
import { serve } from '../serve';
import type { ApiContext } from '../context';

/** Readiness answers fast: a probe that waits on a dead dependency tells nothing. */
const readinessDeadlineMs = 2_000;

export function healthRouter({ orm, temporal, sdkMetricsUrl }: ApiContext): Router {
  const router = Router();

  /** Alive: the process answers. Says nothing of its dependencies, so it never flaps with them. */
  serve(router, routes.liveness, () => Promise.resolve({ status: 200, body: { status: 'ok' } }));

  /** Ready: PostgreSQL and Temporal both answer, so requests can be served. */
  serve(router, routes.readiness, async () => {
    const [database, temporalReady] = await Promise.all([
      isDatabaseReady(orm),
      temporal
        .withDeadline(Date.now() + readinessDeadlineMs, () => temporal.workflowService.getSystemInfo({}))
        .then(() => true)
        .catch(() => false),
    ]);
    const ready = database && temporalReady;
    const checks = { database, temporal: temporalReady };
    return ready
      ? { status: 200, body: { status: 'ok', checks } }
      : { status: 503, body: { status: 'unavailable', checks } };
  });

  /**
   * Prometheus scrape, with a platform key (`authorization` in the scrape
   * config): no label carries personal data, but the API's port faces hosts,
   * and the figures tell how a platform uses inviteflow.
   */
  serve(
    router,
    routes.metrics,
    async (_input, _req, res) => {
      // The exposition format's own version parameter, beyond `text/plain`.
      res.type(metricsContentType);
      return { status: 200, body: await metricsText(sdkMetricsUrl) };
    },
    [authenticate(orm)],
  );

  return router;
}
