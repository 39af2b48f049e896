import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface WebhookSink {
  url: string;
  /** When each `webhook-id` first arrived; a repeat (an at-least-once retry) is counted, not timed. */
  arrivals: Map<string, number>;
  /** Deliveries received in all, repeats included. */
  received(): number;
  stop(): Promise<void>;
}

/** A webhook consumer that answers 204 at once and notes when each message arrived. */
export async function startWebhookSink(): Promise<WebhookSink> {
  const arrivals = new Map<string, number>();
  let received = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received += 1;
      const id = String(req.headers['webhook-id']);
      if (!arrivals.has(id)) arrivals.set(id, Date.now());
      res.statusCode = 204;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    arrivals,
    received: () => received,
    stop: () => new Promise((done) => server.close(() => done())),
  };
}
