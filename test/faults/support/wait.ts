import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Polls `check` until it answers true, or fails after `timeoutMs` naming what
 * did not happen and, from `progress`, how far it got.
 */
export async function waitUntil(
  what: string,
  check: () => Promise<boolean> | boolean,
  { timeoutMs, intervalMs = 250, progress }: { timeoutMs: number; intervalMs?: number; progress?: () => string },
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      if (await check()) return;
      lastError = undefined;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const reached = progress ? ` (${progress()})` : '';
      const failed = lastError instanceof Error ? `; last check failed: ${lastError.message}` : '';
      throw new Error(`${what} did not happen within ${Math.round(timeoutMs / 1000)} s${reached}${failed}`);
    }
    await sleep(intervalMs);
  }
}
