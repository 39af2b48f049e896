import ms from 'ms';

/** Parses a duration like `"7d"`, `"36h"` or `"90m"`; `undefined` when it is not one. */
export function parseDuration(text: string): number | undefined {
  // `ms` throws on an empty string rather than answering "not a duration".
  if (text.trim() === '') return undefined;
  const value = ms(text as ms.StringValue);
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}

export const HOUR = 60 * 60 * 1000;
export const DAY = 24 * HOUR;
