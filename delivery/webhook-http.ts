import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { guardedLookup, refusedLiteralHost, type Resolver } from './webhook-target-guard';

export const webhookRequestTimeoutMs = 15_000;
const snippetLength = 500;

export interface PostResult {
  statusCode: number | null;
  latencyMs: number;
  responseSnippet: string | null;
  error: string | null;
  retryAfter: string | null;
}

function headerText(headers: IncomingHttpHeaders, name: string): string | null {
  const value = headers[name];
  return Array.isArray(value) ? (value[0] ?? null) : (value ?? null);
}

/** One POST through the target guard; never throws: a failure is an outcome to log. */
export function postWebhook(
  url: string,
  headers: Record<string, string>,
  body: string,
  allowed: readonly string[],
  resolve: Resolver,
): Promise<PostResult> {
  const started = performance.now();
  const latencyMs = () => Math.round(performance.now() - started);
  const failed = (error: unknown): PostResult => ({
    statusCode: null,
    latencyMs: latencyMs(),
    responseSnippet: null,
    error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    retryAfter: null,
  });
  const refused = refusedLiteralHost(url, allowed);
  if (refused) return Promise.resolve(failed(`refused target: ${refused}`));
  return new Promise((settle) => {
    const send = url.startsWith('https:') ? httpsRequest : httpRequest;
    const req = send(
      url,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'user-agent': 'inviteflow-webhooks/1',
          ...headers,
        },
        agent: false,
        lookup: guardedLookup(allowed, resolve),
        signal: AbortSignal.timeout(webhookRequestTimeoutMs),
      },
      (response) => {
        const chunks: Buffer[] = [];
        let length = 0;
        response.on('data', (chunk: Buffer) => {
          if (length < snippetLength) chunks.push(chunk);
          length += chunk.length;
        });
        response.on('error', (error) => settle(failed(error)));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8').slice(0, snippetLength);
          settle({
            statusCode: response.statusCode ?? null,
            latencyMs: latencyMs(),
            responseSnippet: text || null,
            error: null,
            retryAfter: headerText(response.headers, 'retry-after'),
          });
        });
      },
    );
    req.on('error', (error) =>
      settle(failed(error.name === 'WebhookTargetRefused' ? `refused target: ${error.message}` : error)),
    );
    req.end(body);
  });
}
