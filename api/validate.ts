import type { Request } from 'express';
import type { z } from 'zod';
import { Problem } from './problem';

/** Parses a request part with its schema, or throws a 422 naming each bad field. */
export function parse<S extends z.ZodType>(schema: S, value: unknown, where: 'body' | 'query' | 'path'): z.infer<S> {
  const result = schema.safeParse(value ?? {});
  if (!result.success) throw Problem.fromZod(result.error, where);
  return result.data;
}

export const parseBody = <S extends z.ZodType>(schema: S, req: Request): z.infer<S> => parse(schema, req.body, 'body');
export const parseQuery = <S extends z.ZodType>(schema: S, req: Request): z.infer<S> =>
  parse(schema, req.query, 'query');
