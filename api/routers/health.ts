import { Router } from 'express';
import { isDatabaseReady } from '../../db/orm';
import { metricsContentType, metricsText } from '../../runtime/metrics-text';
import { authenticate, requirePlatformKey } from '../auth';
import type { ApiContext } from '../context';

/** Readiness answers fast: a probe that waits on a dead dependency tells nothing. */
const readinessDeadlineMs = 2_000;

export function healthRouter({ orm, temporal, sdkMetricsUrl }: ApiContext): Router {
  const router = Router();

  /** Alive: the process answers. Says nothing of its dependencies, so it never flaps with them. */
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  /** Ready: PostgreSQL and Temporal both answer, so requests can be served. */
  router.get('/readyz', async (_req, res) => {
    const [database, temporalReady] = await Promise.all([
      isDatabaseReady(orm),
      temporal
        .withDeadline(Date.now() + readinessDeadlineMs, () => temporal.workflowService.getSystemInfo({}))
        .then(() => true)
        .catch(() => false),
    ]);
    const ready = database && temporalReady;
    res
      .status(ready ? 200 : 503)
      .json({ status: ready ? 'ok' : 'unavailable', checks: { database, temporal: temporalReady } });
  });

  /**
   * Prometheus scrape, with a platform key (`authorization` in the scrape
   * config): no label carries personal data, but the API's port faces hosts,
   * and the figures tell how a platform uses inviteflow.
   */
  router.get('/metrics', authenticate(orm), async (req, res) => {
    requirePlatformKey(req);
    res.type(metricsContentType).send(await metricsText(sdkMetricsUrl));
  });

  return router;
}
