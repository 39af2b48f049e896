import { DriverException } from '@mikro-orm/core';
import pino from 'pino';

/**
 * An error as logs may show it. MikroORM's database errors quote the SQL with
 * its parameters, personal data included, in their message and stack: only
 * their kind and SQLSTATE are kept. Other errors keep pino's usual shape.
 */
export function loggableError(error: unknown): unknown {
  if (error instanceof DriverException) {
    return { type: error.name, code: error.code, message: 'database error (SQL withheld: it quotes its parameters)' };
  }
  return pino.stdSerializers.err(error as Error);
}
