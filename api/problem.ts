import { ConnectionException, DriverException } from '@mikro-orm/core';
import { isGrpcServiceError, ServiceError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import type { ErrorRequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import type {} from 'pino-http';
import { z } from 'zod';
import { errorCodes, RuleViolation, type ErrorCode } from '../domain/error-codes';

export interface FieldError {
  /** JSON pointer into the request (`/invitee/email`), or `query.status` for query parameters. */
  field: string;
  message: string;
}

/** An error the API answers with as problem+json (RFC 9457). */
export class Problem extends Error {
  override readonly name = 'Problem';

  constructor(
    readonly code: ErrorCode,
    readonly detail: string,
    readonly errors: FieldError[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
  }

  get status(): number {
    return errorCodes[this.code];
  }

  static fromZod(error: z.ZodError, where: 'body' | 'query' | 'path'): Problem {
    const errors = error.issues.map((issue) => ({
      field: where === 'body' ? `/${issue.path.join('/')}` : `${where}.${issue.path.join('.')}`,
      message: issue.message,
    }));
    const summary = errors.map((e) => `${e.field}: ${e.message}`).join('; ');
    return new Problem('validation_failed', `invalid ${where}: ${summary}`, errors);
  }

  static fromRule(violation: RuleViolation): Problem {
    return new Problem(
      violation.code,
      violation.message,
      violation.field ? [{ field: violation.field, message: violation.message }] : [],
      violation.retryAfterSeconds === undefined ? {} : { 'retry-after': String(violation.retryAfterSeconds) },
    );
  }
}

const titles: Partial<Record<ErrorCode, string>> = {
  validation_failed: 'The request is not valid',
  internal_error: 'Something went wrong on our side',
};

/** Refusals of the request's form, before the API did or decided anything. */
export const validationCodes: ReadonlySet<ErrorCode> = new Set([
  'validation_failed',
  'malformed_request',
  'payload_too_large',
]);

/** The problem+json document of a problem. */
export function problemDocument(problem: Problem): string {
  return JSON.stringify({
    type: `/problems/${problem.code}`,
    title: titles[problem.code] ?? problem.code.replaceAll('_', ' '),
    status: problem.status,
    code: problem.code,
    detail: problem.detail,
    ...(problem.errors.length > 0 ? { errors: problem.errors } : {}),
  });
}

export function sendProblem(res: Response, problem: Problem): void {
  // Middleware that wraps `res.send` (idempotency) reads which problem it was.
  res.locals.problemCode = problem.code;
  res
    .status(problem.status)
    .set({ 'content-type': 'application/problem+json', ...problem.headers })
    .send(problemDocument(problem));
}

// gRPC status codes DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED and UNAVAILABLE.
const unavailableGrpcCodes = new Set([4, 8, 14]);

// MikroORM reports a refused or dropped connection as a plain DriverException: socket errors, SQLSTATE class 08
// (connection exception) and 57P01-57P03 (the server shutting down, crashed or still starting). Not 08P01: a
// protocol violation is a bug of ours (a NUL sent as text), which a retry would only repeat.
const unavailableDatabaseCodes = /^(E(CONNREFUSED|CONNRESET|PIPE|TIMEDOUT)|08(?!P01)[0-9A-Z]{3}|57P0[123])$/;

/** Temporal or PostgreSQL out of reach: the request may succeed if retried, so 503 rather than 500. */
export function isUnavailable(error: unknown): boolean {
  if (error instanceof ConnectionException || error instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return true;
  if (error instanceof DriverException) return unavailableDatabaseCodes.test(error.code ?? '');
  const cause = error instanceof ServiceError ? error.cause : error;
  return isGrpcServiceError(cause) && unavailableGrpcCodes.has(cause.code);
}

/** The one place errors become HTTP answers; anything unknown is a logged 500 without internals. */
export function problemHandler(log: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    if (error instanceof Problem) return sendProblem(res, error);
    if (error instanceof RuleViolation) return sendProblem(res, Problem.fromRule(error));
    const { status, limit } = error as { status?: unknown; limit?: unknown };
    // body-parser's own errors: malformed JSON, too large, wrong charset. Bulk imports have a larger limit.
    if (status === 413) {
      const megabytes = typeof limit === 'number' ? Math.round(limit / 1024 / 1024) : 1;
      return sendProblem(res, new Problem('payload_too_large', `the request body is larger than ${megabytes} MB`));
    }
    if (typeof status === 'number' && status >= 400 && status < 500) {
      const message = 'the request body is not valid JSON';
      return sendProblem(res, new Problem('malformed_request', message, [{ field: '/', message }]));
    }
    if (isUnavailable(error)) {
      log.warn({ err: error, requestId: req.id }, 'a dependency is unavailable');
      return sendProblem(
        res,
        new Problem('unavailable', 'a service inviteflow depends on is unavailable; retry shortly', [], {
          'retry-after': '5',
        }),
      );
    }
    log.error({ err: error, requestId: req.id }, 'unhandled error');
    sendProblem(res, new Problem('internal_error', 'an unexpected error occurred; it was logged'));
  };
}
