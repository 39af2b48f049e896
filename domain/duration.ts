import ms from 'ms';

/**
 * Parses a duration like `"7d"`, `"36h"` or `"90m"`; `undefined` when it is
 * not one. Zero (`"0"`, `"0s"`) is a duration only with `allowZero`, for
 * settings where it means "none" rather than a mistake.
 */
export function parseDuration(text: string, { allowZero = false }: { allowZero?: boolean } = {}): number | undefined {
  // `ms` throws on an empty string rather than answering "not a duration".
  if (text.trim() === '') return undefined;
  const value = ms(text as ms.StringValue);
  if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
  return value > 0 || (allowZero && value === 0) ? value : undefined;
}

export const MINUTE = 60 * 1000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
