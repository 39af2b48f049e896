import type { z } from 'zod';
import { unstorable } from '../domain/text';
import { Problem, type FieldError } from './problem';

function unstorableFields(
  value: unknown,
  at: (string | number)[] = [],
): { path: (string | number)[]; message: string }[] {
  if (typeof value === 'string') {
    const found = unstorable.find(([test]) => test(value));
    return found ? [{ path: at, message: found[1] }] : [];
  }
  if (Array.isArray(value)) return value.flatMap((item, i) => unstorableFields(item, [...at, i]));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) => {
      const badKey = unstorable.find(([test]) => test(key));
      return badKey ? [{ path: [...at, key], message: `its name ${badKey[1]}` }] : unstorableFields(item, [...at, key]);
    });
  }
  return [];
}

/** Nested deeper than this, a request part is refused before its schema walks it, which recursion would overflow. */
export const maxNesting = 32;

/** Where a value first nests deeper than `maxNesting`, walked without recursion; `undefined` when it does not. */
function tooDeep(value: unknown): (string | number)[] | undefined {
  const pending: { value: unknown; at: (string | number)[] }[] = [{ value, at: [] }];
  for (let next = pending.pop(); next; next = pending.pop()) {
    if (next.value === null || typeof next.value !== 'object') continue;
    if (next.at.length >= maxNesting) return next.at;
    for (const [key, item] of Object.entries(next.value)) pending.push({ value: item, at: [...next.at, key] });
  }
  return undefined;
}

const fieldOf = (where: 'body' | 'query' | 'path', path: (string | number)[]) =>
  where === 'body' ? `/${path.join('/')}` : `${where}.${path.join('.')}`;

/** Parses a request part with its schema, or throws a 422 naming each bad field. */
export function parse<S extends z.ZodType>(schema: S, value: unknown, where: 'body' | 'query' | 'path'): z.infer<S> {
  const deep = tooDeep(value);
  if (deep) {
    const message = `nests deeper than ${maxNesting} levels`;
    throw new Problem('validation_failed', `invalid ${where}: ${fieldOf(where, deep)} ${message}`, [
      { field: fieldOf(where, deep), message },
    ]);
  }
  const result = schema.safeParse(value ?? {});
  if (!result.success) throw Problem.fromZod(result.error, where);
  const errors: FieldError[] = unstorableFields(result.data).map(({ path, message }) => ({
    field: fieldOf(where, path),
    message,
  }));
  if (errors.length > 0) {
    const summary = errors.map((e) => `${e.field} ${e.message}`).join('; ');
    throw new Problem('validation_failed', `invalid ${where}: ${summary}`, errors);
  }
  return result.data;
}
