import { z } from 'zod';

/** An email domain as hosts verify them: lower case, at least one dot, no trailing dot. */
export const domainName = z
  .string()
  .max(253)
  .regex(
    /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/,
    'must be a domain name in lower case, such as "example.org"',
  );
