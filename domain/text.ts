import { z } from 'zod';

const edge = '[^\\s\\u0000]';

/**
 * A name, role or id as the API reads it: at most `max` characters as sent,
 * white space around it dropped, at least `min` left. JSON Schema cannot
 * trim, so the pattern states the rest (ECMAScript's `\s` is the white space
 * `trim()` drops); NUL is refused in every string.
 */
export function trimmedText(min: number, max: number) {
  const inner = min <= 1 ? `(?:[^\\u0000]*${edge})?` : `[^\\u0000]{${min - 2},}${edge}`;
  return z
    .string()
    .max(max)
    .trim()
    .min(min)
    .meta({ pattern: `^\\s*${edge}${inner}\\s*$` });
}

/** An address as mail servers take it: the part before the `@` is at most 64 characters (RFC 5321). */
export const emailAddress = z
  .email()
  .max(254)
  .refine((email) => email.lastIndexOf('@') <= 64, { message: 'the part before the @ must be at most 64 characters' });

/**
 * What PostgreSQL cannot take from a string: U+0000, which text and jsonb
 * refuse and its driver fails on with a protocol error, and a lone
 * surrogate, which jsonb refuses and text would silently replace.
 */
export const unstorable: [test: (text: string) => boolean, message: string][] = [
  [(text) => text.includes('\u0000'), 'must not contain the NUL character (U+0000)'],
  // In a `u` regex a well-formed pair is one code point: only a lone surrogate is one of `Cs`.
  [(text) => /\p{Cs}/u.test(text), 'must be well-formed Unicode (no lone surrogate)'],
];

/** Whether PostgreSQL can take the text as it is. */
export const isStorable = (text: string): boolean => !unstorable.some(([test]) => test(text));

/** No id, the host's user ids included, holds a control character (C0 or DEL). */
export const holdsControlCharacter = (value: string) => [...value].some((char) => char < ' ' || char === '\u007f');

/** Any JSON value a host passes through (a profile), its strings and names storable like every other. */
export const jsonValue: z.ZodType<z.core.util.JSONType> = z
  .lazy(() =>
    z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(jsonValue), z.record(z.string(), jsonValue)]),
  )
  .meta({ id: 'JsonValue', description: 'Any JSON value nested at most 32 levels deep in the request' });
