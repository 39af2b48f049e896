import { createServer, type IncomingHttpHeaders } from 'node:http';
import { Client } from 'pg';
import { freePort } from '../../../embedded/free-port';
import { verifyWebhook } from '../../support/webhook-receiver';

export interface ConsumedWebhook {
  headers: IncomingHttpHeaders;
  /** Exactly the bytes sent: signatures are over the raw body. */
  body: string;
  /** What the consumer answered. */
  status: number;
}

/**
 * A webhook consumer that starts down: its port refuses connections until
 * `recover()`, which keeps refusing for `refusingMs` more, then answers 503
 * with `Retry-After: 1` for `unavailableMs`, then 204 to everything.
 */
export async function startDownConsumer() {
  const port = await freePort();
  const received: ConsumedWebhook[] = [];
  let healthyAt = Infinity;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const status = Date.now() < healthyAt ? 503 : 204;
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), status });
      res.writeHead(status, status === 503 ? { 'retry-after': '1' } : {}).end();
    });
  });
  let listening: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    recover({ refusingMs, unavailableMs }: { refusingMs: number; unavailableMs: number }): void {
      healthyAt = Date.now() + refusingMs + unavailableMs;
      listening = new Promise<void>((resolve) => setTimeout(resolve, refusingMs)).then(
        () => new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve)),
      );
    },
    async close(): Promise<void> {
      await listening;
      if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Attempts the delivery log holds without an answer: the consumer's port refused them. */
export async function refusedAttempts(databaseUrl: string): Promise<number> {
  const client = new Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    const { rows } = await client.query<{ count: string }>(
      'select count(*) as count from webhook_attempts where status_code is null',
    );
    return Number(rows[0]!.count);
  } finally {
    await client.end();
  }
}

/**
 * The events (`type id`) the consumer accepted (204) so far, each verified
 * against the endpoint's secret; each call verifies only what arrived since the last.
 */
export function deliveredEvents(received: ConsumedWebhook[], secret: string): () => Set<string> {
  const events = new Set<string>();
  let verified = 0;
  return () => {
    for (; verified < received.length; verified += 1) {
      const hook = received[verified]!;
      if (hook.status !== 204) continue;
      const { type, data } = verifyWebhook(hook, secret);
      events.add(`${type} ${data.invitation?.id ?? data.bulk?.id}`);
    }
    return events;
  };
}
