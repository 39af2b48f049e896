import { SegmentedMessage } from 'sms-segments-calculator';

/** Longer messages cost more and arrive in pieces on some phones. */
export const maxSmsSegments = 2;

/** How many segments a carrier bills for a text (GSM-7, or UCS-2 once one character needs it). */
export function smsSegments(text: string): number {
  return new SegmentedMessage(text).segmentsCount;
}

/** A name cut to `limit` characters, marked with "..." (which GSM-7 has, unlike "…"). */
export function shortenName(name: string, limit: number): string {
  return name.length <= limit ? name : `${name.slice(0, Math.max(limit - 3, 1)).trimEnd()}...`;
}

/**
 * The first of the renderings, fullest first, that fits in `maxSmsSegments`;
 * `undefined` when none does (a link too long to text).
 */
export function firstFittingSms(renderings: Iterable<string>): string | undefined {
  for (const text of renderings) {
    if (smsSegments(text) <= maxSmsSegments) return text;
  }
  return undefined;
}
