import type { z } from 'zod';

/** A host passed the plugin or a helper something it cannot use; `issues` name each field at fault. */
export class InviteflowInputError extends Error {
  override readonly name = 'InviteflowInputError';

  constructor(
    what: string,
    readonly issues: { field: string; message: string }[],
  ) {
    super(`invalid ${what}:\n${issues.map(({ field, message }) => `  ${field}: ${message}`).join('\n')}`);
  }
}

/** Parses what a host handed over, or throws an InviteflowInputError naming every bad field. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  throw new InviteflowInputError(
    what,
    result.error.issues.map((issue) => ({ field: issue.path.join('.') || '(root)', message: issue.message })),
  );
}
