import type { WorkflowClientInterceptor } from '@temporalio/client';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { requestIdIn, withRequestIdHeader } from '../workflows/interceptors';
import { currentRequestId, withRequestId } from './request-context';

/** Puts the current request's id on every workflow start, signal and update this client sends. */
export const requestIdClientInterceptor: WorkflowClientInterceptor = {
  startWithDetails: (input, next) =>
    next({ ...input, headers: withRequestIdHeader(input.headers, currentRequestId()) }),
  signal: (input, next) => next({ ...input, headers: withRequestIdHeader(input.headers, currentRequestId()) }),
  signalWithStart: (input, next) => next({ ...input, headers: withRequestIdHeader(input.headers, currentRequestId()) }),
  startUpdate: (input, next) => next({ ...input, headers: withRequestIdHeader(input.headers, currentRequestId()) }),
  startUpdateWithStart: (input, next) => {
    const requestId = currentRequestId();
    return next({
      ...input,
      workflowStartHeaders: withRequestIdHeader(input.workflowStartHeaders, requestId),
      updateHeaders: withRequestIdHeader(input.updateHeaders, requestId),
    });
  },
};

/**
 * Runs an activity inside the request its workflow received the id of, so the
 * workflows it starts carry it on, and adds it to the activity's log lines.
 */
export const requestIdActivityInterceptor: ActivityInterceptorsFactory = () => {
  // Read from the headers when the activity starts; the SDK's own "Activity completed" line comes after.
  let requestId: string | undefined;
  return {
    inbound: {
      execute: (input, next) => {
        requestId = requestIdIn(input.headers);
        return withRequestId(requestId, () => next(input));
      },
    },
    outbound: {
      getLogAttributes: (input, next) => next(requestId === undefined ? input : { ...input, requestId }),
    },
  };
};

/** For a Client's `interceptors`: every Client inviteflow builds or configures. */
export const requestIdClientInterceptors = { workflow: [requestIdClientInterceptor] };

/** The workflow interceptor module, for a worker that bundles workflows or for `bundleWorkflowCode`. */
export const requestIdWorkflowModule = require.resolve('../workflows/interceptors');
