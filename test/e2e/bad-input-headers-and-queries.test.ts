import fc from 'fast-check';
import {
  authorization,
  contentType,
  exampleOf,
  idempotencyKey,
  queryString,
  requestId,
  strayHeaders,
} from '../support/bad-input/arbitraries';
import { documentedEndpoints, endpointArbitrary, pathArbitrary } from '../support/bad-input/endpoints';
import type { BadRequest } from '../support/bad-input/probe';
import { badInputSuite } from '../support/bad-input/suite';

const suite = badInputSuite('bad headers and queries', 9_302);

/** A request to any endpoint with random headers and a random query string, its body the documented example. */
function headerAndQueryRequest(): fc.Arbitrary<BadRequest> {
  return endpointArbitrary(documentedEndpoints()).chain((endpoint) =>
    fc
      .record({
        path: pathArbitrary(endpoint, suite.world.ids),
        query: queryString(endpoint.query),
        authorization: authorization(suite.world.app.apiKey),
        idempotencyKey,
        requestId,
        type: fc.oneof(
          { arbitrary: fc.constant('application/json'), weight: 3 },
          { arbitrary: contentType, weight: 1 },
        ),
        stray: strayHeaders,
      })
      .map(({ path, query, type, stray, ...headers }) => ({
        method: endpoint.method,
        target: query === '' ? path : `${path}?${query}`,
        headers: {
          ...stray,
          authorization: headers.authorization,
          'idempotency-key': headers.idempotencyKey,
          'x-request-id': headers.requestId,
          'content-type': type,
        },
        ...(endpoint.method === 'GET' ? {} : { body: JSON.stringify(exampleOf(endpoint.bodySchema)) }),
      })),
  );
}

describe('bad headers and query strings, to every documented endpoint', () => {
  it('are answered below 500, with problem+json, and refused ones write nothing', async () => {
    await suite.check(headerAndQueryRequest(), 700);
    expect(suite.tally.byStatus.get(401) ?? 0).toBeGreaterThan(20);
    expect(suite.tally.byStatus.get(422) ?? 0).toBeGreaterThan(20);
    // Headers over Node's limit, answered by the server's own parser.
    expect(suite.tally.byStatus.get(431) ?? 0).toBeGreaterThan(5);
    expect(suite.tally.count((status) => status < 300)).toBeGreaterThan(20);
  }, 240_000);
});
