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
import { probe, Tally, type BadRequest } from '../support/bad-input/probe';
import { allowedWrites } from '../support/bad-input/requests';
import { startBadInputWorld, type BadInputWorld } from '../support/bad-input/world';

const seed = Number(process.env.BAD_INPUT_SEED ?? 9_302);
let world: BadInputWorld;
const tally = new Tally();

beforeAll(async () => {
  world = await startBadInputWorld();
}, 120_000);

afterAll(async () => {
  console.log(`bad headers and queries: ${tally.summary()}`);
  await world?.stop();
});

/** A request to any endpoint with random headers and a random query string, its body the documented example. */
function headerAndQueryRequest(): fc.Arbitrary<BadRequest> {
  return endpointArbitrary(documentedEndpoints()).chain((endpoint) =>
    fc
      .record({
        path: pathArbitrary(endpoint, world.ids),
        query: queryString(endpoint.query),
        authorization: authorization(world.app.apiKey),
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
    await fc.assert(
      fc.asyncProperty(headerAndQueryRequest(), async (request) => {
        tally.add(await probe(world.app.apiUrl, request, world.watch, allowedWrites(request)));
      }),
      { numRuns: 700, seed, path: process.env.BAD_INPUT_PATH, endOnFailure: true },
    );
    expect(tally.byStatus.get(401) ?? 0).toBeGreaterThan(20);
    expect(tally.byStatus.get(422) ?? 0).toBeGreaterThan(20);
    // Headers over Node's limit, answered by the server's own parser.
    expect(tally.byStatus.get(431) ?? 0).toBeGreaterThan(5);
    expect(tally.count((status) => status < 300)).toBeGreaterThan(20);
  }, 240_000);
});
