import type { Request, RequestParamHandler, Router } from 'express';
import type { z } from 'zod';
import { Problem, type FieldError } from './problem';

/** PostgreSQL text and jsonb refuse U+0000, and its driver fails on one with a protocol error: never pass one on. */
const nul = '\u0000';

function nulFields(value: unknown, at: (string | number)[] = []): (string | number)[][] {
  if (typeof value === 'string') return value.includes(nul) ? [at] : [];
  if (Array.isArray(value)) return value.flatMap((item, i) => nulFields(item, [...at, i]));
  if (value !== null && typeof value === 'object')
    return Object.entries(value).flatMap(([key, item]) => nulFields(item, [...at, key]));
  return [];
}

/** Parses a request part with its schema, or throws a 422 naming each bad field. */
export function parse<S extends z.ZodType>(schema: S, value: unknown, where: 'body' | 'query' | 'path'): z.infer<S> {
  const result = schema.safeParse(value ?? {});
  if (!result.success) throw Problem.fromZod(result.error, where);
  const withNul = nulFields(result.data);
  if (withNul.length > 0) {
    const message = 'must not contain the NUL character (U+0000)';
    const errors: FieldError[] = withNul.map((path) => ({
      field: where === 'body' ? `/${path.join('/')}` : `${where}.${path.join('.')}`,
      message,
    }));
    throw new Problem(
      'validation_failed',
      `invalid ${where}: ${errors.map((e) => e.field).join(', ')} ${message}`,
      errors,
    );
  }
  return result.data;
}

export const parseBody = <S extends z.ZodType>(schema: S, req: Request): z.infer<S> => parse(schema, req.body, 'body');
export const parseQuery = <S extends z.ZodType>(schema: S, req: Request): z.infer<S> =>
  parse(schema, req.query, 'query');

/** No id, the host's user ids included, holds a control character (C0 or DEL). */
const holdsControlCharacter = (value: string) => [...value].some((char) => char < ' ' || char === '\u007f');

const checkPathParam: RequestParamHandler = (_req, _res, next, value: unknown, name: string) => {
  if (typeof value === 'string' && holdsControlCharacter(value)) {
    const message = 'must not contain control characters';
    throw new Problem('validation_failed', `invalid path: path.${name} ${message}`, [
      { field: `path.${name}`, message },
    ]);
  }
  next();
};

/** Checks a router's path parameters before any handler looks them up. */
export function withCheckedPathParams(router: Router): Router {
  for (const name of ['ws', 'id', 'userId', 'deliveryId', 'name', 'locale']) router.param(name, checkPathParam);
  return router;
}
