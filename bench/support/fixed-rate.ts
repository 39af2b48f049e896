import autocannon from 'autocannon';
import { percentile, round } from './figures';

export interface PacedRequest {
  method: 'GET' | 'POST';
  path: string;
  body?: string;
}

export interface LoadFigures {
  targetPerSecond: number;
  achievedPerSecond: number;
  /** Requests answered, whatever their status. */
  answered: number;
  p50Ms: number;
  p99Ms: number;
  p999Ms: number;
  maxMs: number;
  /** Answers outside 2xx. */
  non2xx: number;
  /** Requests that got no answer at all: connection errors and timeouts. */
  errors: number;
  statusCodes: Record<string, number>;
}

export interface FixedRateLoad {
  /** http://host:port */
  url: string;
  rate: number;
  total: number;
  headers: Record<string, string>;
  /** The next request to send; called once per request sent. */
  next: () => PacedRequest;
  /** Each answer's status and body, for phases that collect what they created. */
  onAnswer?: (status: number, body: string) => void;
}

const requestTimeoutSeconds = 30;

/**
 * Sends `total` requests at `rate` per second, evenly spaced, and measures each
 * one's latency. autocannon's `overallRate` sends every connection's share at
 * the start of each second, so the server would see `rate` requests at once
 * then nothing; here each connection sends one request a second and the
 * connections start 1/rate s apart. A connection waits for its answer, so the
 * rate holds while answers take under a second; beyond, the achieved rate
 * falls and says so.
 */
export async function runAtFixedRate(load: FixedRateLoad): Promise<LoadFigures> {
  const connections = Math.min(load.rate, load.total);
  const latencies: number[] = [];
  const statusCodes: Record<string, number> = {};
  let errors = 0;
  let lastAnswerAt = 0;
  const startedAt = Date.now();
  const connectionRuns = Array.from({ length: connections }, async (_, i) => {
    await new Promise((resolve) => setTimeout(resolve, (i * 1000) / load.rate));
    const amount = Math.floor(load.total / connections) + (i < load.total % connections ? 1 : 0);
    await new Promise<void>((resolve, reject) => {
      const instance = autocannon(
        {
          url: load.url,
          connections: 1,
          connectionRate: 1,
          amount,
          timeout: requestTimeoutSeconds,
          headers: load.headers,
          requests: [
            {
              setupRequest: (request) => ({ ...request, ...load.next() }),
              ...(load.onAnswer && { onResponse: (status: number, body: string) => load.onAnswer!(status, body) }),
            },
          ],
        },
        (error) => (error ? reject(error as Error) : resolve()),
      );
      instance.on('response', (_client, statusCode, _bytes, responseTime) => {
        latencies.push(responseTime);
        statusCodes[statusCode] = (statusCodes[statusCode] ?? 0) + 1;
        lastAnswerAt = Date.now();
      });
      instance.on('reqError', () => (errors += 1));
    });
  });
  await Promise.all(connectionRuns);
  latencies.sort((a, b) => a - b);
  const seconds = Math.max(lastAnswerAt - startedAt, 1) / 1000;
  const ok = Object.entries(statusCodes)
    .filter(([status]) => status.startsWith('2'))
    .reduce((sum, [, count]) => sum + count, 0);
  return {
    targetPerSecond: load.rate,
    achievedPerSecond: round(latencies.length / seconds),
    answered: latencies.length,
    p50Ms: round(percentile(latencies, 50)),
    p99Ms: round(percentile(latencies, 99)),
    p999Ms: round(percentile(latencies, 99.9)),
    maxMs: round(latencies.at(-1) ?? NaN),
    non2xx: latencies.length - ok,
    errors,
    statusCodes,
  };
}
