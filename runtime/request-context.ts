import { AsyncLocalStorage } from 'node:async_hooks';

/** What follows one API request (or the activity that serves it) through the code it runs. */
export interface RequestContext {
  requestId: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** Runs `fn` as part of the request `requestId`; without an id, in whatever context is current. */
export function withRequestId<T>(requestId: string | undefined, fn: () => T): T {
  return requestId === undefined ? fn() : storage.run({ requestId }, fn);
}

/** The id of the request the running code serves, if any. */
export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}
