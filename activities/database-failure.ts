import { DriverException } from '@mikro-orm/core';
import { ApplicationFailure } from '@temporalio/common';

/**
 * MikroORM's messages quote the SQL with its parameters, personal data
 * included; workflow history keeps only the error's name and SQLSTATE.
 */
export function databaseFailure(doing: string, type: string, error: unknown): ApplicationFailure {
  const { name, code } = error as { name?: unknown; code?: unknown };
  const what = [typeof name === 'string' ? name : 'Error', typeof code === 'string' ? `SQLSTATE ${code}` : null]
    .filter(Boolean)
    .join(', ');
  return ApplicationFailure.retryable(`${doing} failed (${what})`, type);
}

/** An activity whose database errors reach history as `databaseFailure`s; its other errors pass as they are. */
export function withSqlScrubbed<Input, Output>(
  doing: string,
  activity: (input: Input) => Promise<Output>,
): (input: Input) => Promise<Output> {
  return (input) =>
    activity(input).catch((error: unknown) => {
      throw error instanceof DriverException ? databaseFailure(doing, 'database_failed', error) : error;
    });
}
