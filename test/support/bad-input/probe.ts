import { changes, settled, type Allowed, type Footprint } from './footprint';

/** One request as the property sends it: everything raw, so malformed input reaches the server unchanged. */
export interface BadRequest {
  method: string;
  /** Path and query, already encoded (or deliberately mis-encoded). */
  target: string;
  headers: Record<string, string | undefined>;
  body?: string | Buffer;
}

/** The footprint reader, and the footprint after the last request, which is the next one's "before". */
export interface FootprintWatch {
  read: () => Promise<Footprint>;
  /** Work still under way that requests since the given time started. */
  inFlight: (since: Date) => Promise<number>;
  last?: Footprint;
}

export interface Verdict {
  status: number;
  refused: boolean;
}

function describe(request: BadRequest): string {
  const body = request.body === undefined ? '' : String(request.body);
  const shown = body.length > 300 ? `${body.slice(0, 300)}… (${body.length} characters)` : body;
  const target = request.target.length > 300 ? `${request.target.slice(0, 300)}…` : request.target;
  return `${request.method} ${target} ${JSON.stringify(request.headers).slice(0, 500)} ${shown}`;
}

/** Refusals of a request's form: nothing was done, so not even its Idempotency-Key is remembered. */
const formRefusals = new Set(['validation_failed', 'malformed_request', 'payload_too_large']);

/** The problem's code; throws unless a 4xx answer is problem+json whose `status` is the HTTP status and which has a `type`, `title` and `code`. */
function expectProblem(request: BadRequest, status: number, contentType: string | null, text: string): string {
  if (!/^application\/problem\+json\b/.test(contentType ?? '')) {
    throw new Error(`${status} answered with ${contentType} (${text.slice(0, 200)}) to ${describe(request)}`);
  }
  let problem: { type?: unknown; title?: unknown; status?: unknown; code?: unknown };
  try {
    problem = JSON.parse(text) as typeof problem;
  } catch {
    throw new Error(`${status} problem is not JSON (${text.slice(0, 200)}) for ${describe(request)}`);
  }
  const fits =
    typeof problem.type === 'string' &&
    typeof problem.title === 'string' &&
    typeof problem.code === 'string' &&
    problem.status === status;
  if (!fits)
    throw new Error(`${status} problem lacks type/title/code/status: ${text.slice(0, 300)} for ${describe(request)}`);
  return problem.code as string;
}

/**
 * Sends one bad request and checks the answer: never a 5xx, every 4xx a
 * problem, and a refused request leaves the database and Temporal as they
 * were. An accepted one (the random input happened to be valid) is let
 * finish what it started, so its writes are not blamed on the next request.
 */
export async function probe(
  baseUrl: string,
  request: BadRequest,
  watch: FootprintWatch,
  allowed: Allowed,
): Promise<Verdict> {
  const before = watch.last ?? (await watch.read());
  const sentAt = new Date();
  const headers = Object.fromEntries(
    Object.entries(request.headers).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  const response = await fetch(`${baseUrl}${request.target}`, {
    method: request.method,
    headers,
    body: request.body,
  });
  const text = await response.text();
  const { status } = response;
  if (status >= 500) throw new Error(`${status} ${text.slice(0, 300)} for ${describe(request)}`);
  const refused = status >= 400;
  if (refused) {
    const code = expectProblem(request, status, response.headers.get('content-type'), text);
    const after = await watch.read();
    const changed = changes(before, after, formRefusals.has(code) ? { ...allowed, idempotencyKeys: false } : allowed);
    watch.last = after;
    if (changed.length > 0) {
      throw new Error(
        `refused with ${status} ${text.slice(0, 200)} but changed ${changed.join(', ')}: ${describe(request)}`,
      );
    }
  } else {
    watch.last = request.method === 'GET' ? undefined : await settled(watch.read, () => watch.inFlight(sentAt));
  }
  return { status, refused };
}

/** Tallies answers by status, for the test's own check that the runs reached past validation. */
export class Tally {
  readonly byStatus = new Map<number, number>();

  add(verdict: Verdict): void {
    this.byStatus.set(verdict.status, (this.byStatus.get(verdict.status) ?? 0) + 1);
  }

  get total(): number {
    return this.count(() => true);
  }

  /** `1234 requests: 422 ×700, 400 ×300, …`, for the suite to print. */
  summary(): string {
    const byStatus = [...this.byStatus].sort(([a], [b]) => a - b).map(([status, n]) => `${status} ×${n}`);
    return `${this.total} requests: ${byStatus.join(', ')}`;
  }

  count(predicate: (status: number) => boolean): number {
    return [...this.byStatus].filter(([status]) => predicate(status)).reduce((sum, [, n]) => sum + n, 0);
  }
}
