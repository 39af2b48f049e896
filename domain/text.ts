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
