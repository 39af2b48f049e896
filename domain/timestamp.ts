import { z } from 'zod';

const earliest = Date.parse('1970-01-01T00:00:00Z');
const latest = Date.parse('9999-12-31T23:59:59.999Z');

/**
 * An instant as ISO 8601 with its offset, from 1970 to 9999: every store and
 * client reads it back as it was sent. PostgreSQL and JavaScript both take
 * year 20, but not alike, and what one wrote the other could not read.
 */
export const timestampSchema = z.iso
  .datetime({ offset: true })
  .refine((text) => {
    const at = Date.parse(text);
    return at >= earliest && at <= latest;
  }, 'must be between 1970-01-01 and 9999-12-31')
  // The years as written: an offset can still move the instant out by a few hours, refused all the same.
  .meta({ allOf: [{ pattern: '^(19[7-9][0-9]|[2-9][0-9]{3})-' }] });
