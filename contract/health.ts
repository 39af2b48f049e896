import { z } from 'zod';
import { route } from './route';

const livenessSchema = z.object({ status: z.literal('ok') }).meta({ id: 'Liveness' });

const readinessSchema = z
  .object({
    status: z.enum(['ok', 'unavailable']),
    checks: z.object({ database: z.boolean(), temporal: z.boolean() }),
  })
  .meta({ id: 'Readiness' });

export const healthRoutes = {
  liveness: route({
    method: 'get',
    path: '/healthz',
    tag: 'Health',
    summary: 'Liveness: the process answers',
    access: 'public',
    answers: { 200: { description: 'Alive', schema: livenessSchema } },
    errors: [],
  }),
  readiness: route({
    method: 'get',
    path: '/readyz',
    tag: 'Health',
    summary: 'Readiness: PostgreSQL and Temporal both answer',
    access: 'public',
    answers: {
      200: { description: 'Ready', schema: readinessSchema },
      503: { description: 'A dependency does not answer', schema: readinessSchema },
    },
    errors: [],
  }),
  metrics: route({
    method: 'get',
    path: '/metrics',
    tag: 'Health',
    summary: 'Prometheus metrics of this process',
    description:
      'The text exposition format: invitation transitions by type, deliveries by channel and outcome, webhook ' +
      'attempts by outcome and status class, bulk rows by outcome and still to start, HTTP latency by route and ' +
      'status, and, where a worker runs in the same process, the Temporal SDK worker metrics (`temporal_*`). No ' +
      'label carries an id or personal data. Needs a platform API key: the port faces hosts, and the figures tell ' +
      'how a platform uses inviteflow. `inviteflow worker` serves the same without a key on METRICS_PORT, an ' +
      'internal port.',
    access: 'platformKey',
    answers: { 200: { description: 'Metrics', media: 'text/plain' } },
    errors: [],
  }),
};
