import type { EventEmitter } from 'node:events';

/**
 * The first item matching `predicate`: one already caught, or the next one
 * `arrivals` emits as `event` within `timeoutMs`. Checking the past and
 * subscribing to the future happen in the same tick, so nothing slips between.
 */
export function firstMatching<T>(
  caught: Iterable<T>,
  arrivals: EventEmitter<Record<string, [T]>>,
  event: string,
  predicate: (item: T) => boolean,
  timeoutMs: number,
  timeoutError: () => Error,
): Promise<T> {
  for (const item of caught) if (predicate(item)) return Promise.resolve(item);
  return new Promise((resolve, reject) => {
    const finish = (): void => {
      clearTimeout(timer);
      arrivals.off(event, onArrival);
    };
    const onArrival = (item: T): void => {
      try {
        if (!predicate(item)) return;
        finish();
        resolve(item);
      } catch (error) {
        finish();
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    };
    const timer = setTimeout(() => {
      finish();
      reject(timeoutError());
    }, timeoutMs);
    arrivals.on(event, onArrival);
  });
}
