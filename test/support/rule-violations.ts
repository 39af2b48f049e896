import { RuleViolation } from '../../domain/error-codes';

/** Calls `fn`, expecting a RuleViolation; returns it so callers can look closer. */
export function violationOf(fn: () => unknown): RuleViolation {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(RuleViolation);
    return error as RuleViolation;
  }
  throw new Error('expected a RuleViolation, but nothing was thrown');
}
