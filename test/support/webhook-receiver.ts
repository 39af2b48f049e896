import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  /** Exactly the bytes sent: signatures are over the raw body. */
  body: string;
}

export interface VerifiedWebhook {
  type: string;
  data: any;
}

/** The webhook's payload once its Standard Webhooks signature checks out with `secret` (throws otherwise). */
export function verifyWebhook(hook: ReceivedWebhook, secret: string): VerifiedWebhook {
  const headers = Object.fromEntries(Object.entries(hook.headers).map(([name, value]) => [name, String(value)]));
  return new Webhook(secret).verify(hook.body, headers) as VerifiedWebhook;
}

/** An answer's status, or its status and headers (e.g. `Retry-After`). */
export type WebhookAnswer = number | { status: number; headers: Record<string, string> };

/** A real HTTP endpoint for webhooks; `respond` decides each answer (default 204). */
export async function startWebhookReceiver(respond: (hook: ReceivedWebhook) => WebhookAnswer = () => 204) {
  const received: ReceivedWebhook[] = [];
  const waiters = new Set<() => void>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const hook = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      received.push(hook);
      const answer = respond(hook);
      if (typeof answer === 'number') res.statusCode = answer;
      else res.writeHead(answer.status, answer.headers);
      res.end();
      for (const wake of waiters) wake();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  /** The first received webhook that matches, waiting for it if needed. */
  function waitFor(predicate: (hook: ReceivedWebhook) => boolean, timeoutMs = 15_000): Promise<ReceivedWebhook> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const hook = received.find(predicate);
        if (!hook) return false;
        cleanup();
        resolve(hook);
        return true;
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`no matching webhook within ${timeoutMs} ms (${received.length} received)`));
      }, timeoutMs);
      const wake = () => void check();
      const cleanup = () => {
        clearTimeout(timer);
        waiters.delete(wake);
      };
      if (!check()) waiters.add(wake);
    });
  }

  /** The first `type` webhook about one invitation, verified with the endpoint's secret. */
  async function invitationEvent(secret: string, invitationId: string, type: string): Promise<VerifiedWebhook> {
    const hook = await waitFor((received) => {
      const body = JSON.parse(received.body) as VerifiedWebhook;
      return body.type === type && body.data.invitation?.id === invitationId;
    });
    return verifyWebhook(hook, secret);
  }

  return {
    url: `http://127.0.0.1:${port}/hooks`,
    invitationEvent,
    received,
    waitFor,
    /** Received webhooks of one type, parsed. */
    ofType: (type: string) =>
      received.map((hook) => JSON.parse(hook.body) as { type: string }).filter((body) => body.type === type),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type WebhookReceiver = Awaited<ReturnType<typeof startWebhookReceiver>>;
