import { RuleViolation } from '../../domain/error-codes';

/** Calls `fn`, expecting it to throw a `type`; returns the error so callers can look closer. */
export function thrownBy<E extends Error>(type: abstract new (...args: never[]) => E, fn: () => unknown): E {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(type);
    return error as E;
  }
  throw new Error(`expected a ${type.name}, but nothing was thrown`);
}

/** Calls `fn`, expecting a RuleViolation. */
export const violationOf = (fn: () => unknown): RuleViolation => thrownBy(RuleViolation, fn);
