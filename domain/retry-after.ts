/**
 * A `Retry-After` header (delay-seconds or an HTTP date) as milliseconds from
 * `now`; `null` when absent or unreadable.
 */
export function retryAfterMs(header: string | null | undefined, now: Date): number | null {
  const text = header?.trim();
  if (!text) return null;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  // Date.parse reads bare numbers such as "1.5" as dates; an HTTP date always names its day and month.
  if (Number.isNaN(at) || !/[a-z]/i.test(text)) return null;
  return Math.max(0, at - now.getTime());
}
