import { ApplicationFailure } from '@temporalio/common';
import type { MikroORM } from '@mikro-orm/postgresql';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Channel } from '../domain/workspace';
import { rowsRemaining } from '../store/bulk-imports';

/**
 * inviteflow's Prometheus metrics, one set per process: the API process
 * counts HTTP requests, the worker process what its activities do. Labels are
 * types, channels, outcomes and routes, never ids or personal data.
 */
export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'inviteflow_' });

export const invitationTransitions = new Counter({
  name: 'inviteflow_invitation_transitions_total',
  help: 'Invitation events recorded in the projection, by type (created, sent, accepted, expired, ...)',
  labelNames: ['type'] as const,
  registers: [registry],
});

export const deliveries = new Counter({
  name: 'inviteflow_deliveries_total',
  help:
    'Message hand-offs to the email or SMS provider, by channel and outcome (sent, rejected for good, retried, ' +
    'already_sent: a retried send the provider had accepted before, not sent again)',
  labelNames: ['channel', 'outcome'] as const,
  registers: [registry],
});

export const webhookAttempts = new Counter({
  name: 'inviteflow_webhook_attempts_total',
  help: 'Webhook delivery attempts, by outcome (delivered, failed) and HTTP status class (2xx, 4xx, 5xx, none)',
  labelNames: ['outcome', 'status'] as const,
  registers: [registry],
});

export const bulkRows = new Counter({
  name: 'inviteflow_bulk_rows_total',
  help: 'Bulk import rows processed, by outcome (sent, failed, skipped)',
  labelNames: ['outcome'] as const,
  registers: [registry],
});

export const httpRequestDuration = new Histogram({
  name: 'inviteflow_http_request_duration_seconds',
  help: 'HTTP requests answered by the API, by method, route pattern and status code',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
});

let bulkProgressOrm: MikroORM | undefined;

new Gauge({
  name: 'inviteflow_bulk_rows_remaining',
  help: 'Rows of running bulk imports not started yet',
  registers: [registry],
  async collect() {
    if (!bulkProgressOrm) return;
    // A scrape while PostgreSQL is away keeps the last value rather than failing the whole page.
    const remaining = await rowsRemaining(bulkProgressOrm.em.fork()).catch(() => undefined);
    if (remaining !== undefined) this.set(remaining);
  },
});

/**
 * Rows of running bulk imports not started yet are read from this database at
 * each scrape: the progress of every import, whichever worker runs it.
 */
export function trackBulkProgress(orm: MikroORM): void {
  bulkProgressOrm = orm;
}

/** Counts one hand-off to a provider: a permanent refusal and a failure Temporal will retry are told apart. */
export async function countedDelivery<T>(channel: Channel, send: () => Promise<T>): Promise<T> {
  try {
    const result = await send();
    deliveries.inc({ channel, outcome: 'sent' });
    return result;
  } catch (error) {
    const permanent = error instanceof ApplicationFailure && error.nonRetryable;
    deliveries.inc({ channel, outcome: permanent ? 'rejected' : 'retried' });
    throw error;
  }
}

/** The status class of an attempt, `none` when no HTTP answer came back. */
export function statusClass(statusCode: number | null): string {
  return statusCode === null ? 'none' : `${Math.floor(statusCode / 100)}xx`;
}

export const undecryptableRuns = new Counter({
  name: 'inviteflow_undecryptable_runs_total',
  help: 'Workflow runs ended because their payloads name a payload key this deployment does not have, by key id',
  labelNames: ['key_id'] as const,
  registers: [registry],
});
