import {
  AsyncLocalStorage,
  defaultPayloadConverter,
  type Headers,
  type WorkflowInterceptors,
} from '@temporalio/workflow';

/** The Temporal header that carries the id of the API request a workflow, update or activity serves. */
export const requestIdHeader = 'inviteflow-request-id';

/** The request id in a set of Temporal headers, if it is there and a string. */
export function requestIdIn(headers: Headers): string | undefined {
  const payload = headers[requestIdHeader];
  if (payload === undefined) return undefined;
  const value: unknown = defaultPayloadConverter.fromPayload(payload);
  return typeof value === 'string' ? value : undefined;
}

/** `headers` with the request id added; unchanged without one. */
export function withRequestIdHeader(headers: Headers, requestId: string | undefined): Headers {
  if (requestId === undefined) return headers;
  return { ...headers, [requestIdHeader]: defaultPayloadConverter.toPayload(requestId) };
}

// Follows each handler's promise chain, so an update's activities carry the update's request, not the start's.
const handlerRequestId = new AsyncLocalStorage<string | undefined>();

/**
 * Carries the request id from the workflow's start, updates and signals to the
 * activities and workflows they schedule, and into the workflow's log lines.
 * Headers are not compared on replay: this adds no command to the history.
 */
export const interceptors = (): WorkflowInterceptors => {
  let startRequestId: string | undefined;
  const current = () => handlerRequestId.getStore() ?? startRequestId;
  const within = <T>(headers: Headers, handle: () => Promise<T>): Promise<T> =>
    handlerRequestId.run(requestIdIn(headers) ?? current(), handle);
  return {
    inbound: [
      {
        execute: (input, next) => {
          startRequestId = requestIdIn(input.headers);
          return next(input);
        },
        handleUpdate: (input, next) => within(input.headers, () => next(input)),
        handleSignal: (input, next) => within(input.headers, () => next(input)),
      },
    ],
    outbound: [
      {
        scheduleActivity: (input, next) => next({ ...input, headers: withRequestIdHeader(input.headers, current()) }),
        scheduleLocalActivity: (input, next) =>
          next({ ...input, headers: withRequestIdHeader(input.headers, current()) }),
        startChildWorkflowExecution: (input, next) =>
          next({ ...input, headers: withRequestIdHeader(input.headers, current()) }),
        continueAsNew: (input, next) => next({ ...input, headers: withRequestIdHeader(input.headers, current()) }),
        getLogAttributes: (input, next) => {
          const requestId = current();
          return next(requestId === undefined ? input : { ...input, requestId });
        },
      },
    ],
  };
};
