import { isErrorCode, type ErrorCode } from '../domain/error-codes';
import { retryAfterSeconds } from './retry';

export interface FieldError {
  /** JSON pointer into the request body (`/invitee/email`), or `query.<name>`. */
  field: string;
  message: string;
}

/** A refusal from the API: its problem+json answer (RFC 9457), with the stable `code` to match on. */
export class InviteflowError<Code extends ErrorCode = ErrorCode> extends Error {
  override readonly name = 'InviteflowError';

  constructor(
    readonly status: number,
    readonly code: Code,
    readonly title: string,
    readonly detail: string,
    readonly errors: FieldError[] = [],
    /** From `Retry-After`: when the same request may succeed. */
    readonly retryAfterSeconds?: number,
    /** The API's `x-request-id`, to find the request in its logs. */
    readonly requestId?: string,
  ) {
    super(`${status} ${code}: ${detail}`);
  }
}

/** True for an InviteflowError, and when codes are given, one with one of them: narrows `code` to those. */
export function isInviteflowError<Code extends ErrorCode>(
  error: unknown,
  ...codes: Code[]
): error is InviteflowError<Code> {
  if (!(error instanceof InviteflowError)) return false;
  return codes.length === 0 || (codes as ErrorCode[]).includes((error as InviteflowError).code);
}

// What an answer that is not problem+json (a proxy's error page) is taken for.
const codeOfStatus: Partial<Record<number, ErrorCode>> = {
  400: 'malformed_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  413: 'payload_too_large',
  429: 'too_many_attempts',
  502: 'unavailable',
  503: 'unavailable',
  504: 'unavailable',
};

interface ProblemBody {
  code?: unknown;
  title?: unknown;
  detail?: unknown;
  errors?: unknown;
}

/** The error an unsuccessful answer stands for; reads its body. */
export async function errorFromResponse(response: Response, now = new Date()): Promise<InviteflowError> {
  const text = await response.text().catch(() => '');
  let body: ProblemBody = {};
  if (/^application\/([\w.-]+\+)?json\b/i.test(response.headers.get('content-type') ?? '')) {
    try {
      body = (JSON.parse(text) ?? {}) as ProblemBody;
    } catch {
      // Not JSON after all: taken for what its status says.
    }
  }
  const code = isErrorCode(body.code) ? body.code : (codeOfStatus[response.status] ?? 'internal_error');
  return new InviteflowError(
    response.status,
    code,
    typeof body.title === 'string' ? body.title : response.statusText || code.replaceAll('_', ' '),
    typeof body.detail === 'string' ? body.detail : text.slice(0, 200) || `HTTP ${response.status}`,
    Array.isArray(body.errors) ? (body.errors as FieldError[]) : [],
    retryAfterSeconds(response.headers.get('retry-after'), now),
    response.headers.get('x-request-id') ?? undefined,
  );
}
