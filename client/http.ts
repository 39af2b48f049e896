import { errorFromResponse } from './errors';
import { defaultRetryPolicy, retryWaitMs, type RetryPolicy } from './retry';

export interface ClientSettings {
  /** Where the inviteflow API answers, e.g. `https://inviteflow.internal`. */
  baseUrl: string;
  apiKey: string;
  /** Another `fetch` (a proxy agent, a test double at the network edge). */
  fetch?: typeof fetch;
  /** Retries of a 429 or 503 answer, after the first attempt (default 2). */
  maxRetries?: number;
  /** The longest `Retry-After` worth waiting for, in seconds (default 30). */
  maxRetryWaitSeconds?: number;
}

export interface RequestOptions {
  /** Sent as `Idempotency-Key` on a POST; by default a fresh one per call, kept across its retries. */
  idempotencyKey?: string;
  /**
   * Sent as `Inviteflow-Forwarded-For`: the address of the visitor the host
   * calls for. Failed tries with tokens and codes count against that visitor;
   * without it, against the host's own address, which all its visitors share.
   */
  visitorAddress?: string;
}

export type QueryValue = string | number | boolean | undefined;

export interface Call {
  method: 'GET' | 'PUT' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, QueryValue>;
  /** Sent as JSON. */
  body?: unknown;
  /** A body of another type instead, e.g. a CSV file. */
  text?: { content: string; type: string };
  options?: RequestOptions;
}

/** A path with each interpolated value URL-encoded, so an id cannot reach another route. */
export function path(parts: TemplateStringsArray, ...values: string[]): string {
  return parts.reduce((built, part, index) => built + encodeURIComponent(values[index - 1] ?? '') + part);
}

/** Sends calls to the API with the key, and retries what may succeed later. */
export class Transport {
  private readonly baseUrl: string;
  private readonly fetch: typeof fetch;
  private readonly retry: RetryPolicy;

  constructor(private readonly settings: ClientSettings) {
    this.baseUrl = settings.baseUrl.replace(/\/+$/, '');
    this.fetch = settings.fetch ?? globalThis.fetch;
    this.retry = {
      maxRetries: settings.maxRetries ?? defaultRetryPolicy.maxRetries,
      maxWaitSeconds: settings.maxRetryWaitSeconds ?? defaultRetryPolicy.maxWaitSeconds,
    };
  }

  async json<Answer>(call: Call): Promise<Answer> {
    return (await (await this.send(call, 'application/json')).json()) as Answer;
  }

  async bytes(call: Call): Promise<Uint8Array> {
    return new Uint8Array(await (await this.send(call, '*/*')).arrayBuffer());
  }

  async empty(call: Call): Promise<void> {
    await (await this.send(call, 'application/json')).arrayBuffer();
  }

  private async send(call: Call, accept: string): Promise<Response> {
    const url = new URL(`${this.baseUrl}${call.path}`);
    for (const [name, value] of Object.entries(call.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    const chosenKey = call.options?.idempotencyKey;
    // One key for every retry of a POST, so a retry after a lost answer cannot do the thing twice.
    let idempotencyKey = call.method === 'POST' ? (chosenKey ?? crypto.randomUUID()) : undefined;
    const [contentType, body] = call.text
      ? [call.text.type, call.text.content]
      : call.body === undefined
        ? [undefined, undefined]
        : ['application/json', JSON.stringify(call.body)];
    for (let attempt = 0; ; attempt++) {
      const response = await this.fetch(url, {
        method: call.method,
        headers: {
          authorization: `Bearer ${this.settings.apiKey}`,
          accept: `${accept}, application/problem+json`,
          ...(contentType === undefined ? {} : { 'content-type': contentType }),
          ...(idempotencyKey === undefined ? {} : { 'idempotency-key': idempotencyKey }),
          ...(call.options?.visitorAddress === undefined
            ? {}
            : { 'inviteflow-forwarded-for': call.options.visitorAddress }),
        },
        body,
      });
      if (response.ok) return response;
      const error = await errorFromResponse(response);
      const waitMs = retryWaitMs(this.retry, attempt, error);
      if (waitMs === null) throw error;
      // The API remembers a 429 under its key (nothing was done): the retry is a new request, under a new key.
      // A key the caller chose would only get the same 429 back, so that one is not retried.
      if (error.status === 429 && idempotencyKey !== undefined) {
        if (chosenKey !== undefined) throw error;
        idempotencyKey = crypto.randomUUID();
      }
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
  }
}
