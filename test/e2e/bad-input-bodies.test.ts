import fc from 'fast-check';
import { brokenJsonText, contentType, exampleOf, mutatedBody, randomJson } from '../support/bad-input/arbitraries';
import { documentedEndpoints, endpointArbitrary, pathArbitrary } from '../support/bad-input/endpoints';
import { probe, Tally, type BadRequest } from '../support/bad-input/probe';
import { allowedWrites } from '../support/bad-input/requests';
import { startBadInputWorld, type BadInputWorld } from '../support/bad-input/world';

const seed = Number(process.env.BAD_INPUT_SEED ?? 9_301);
let world: BadInputWorld;
const tally = new Tally();

beforeAll(async () => {
  world = await startBadInputWorld();
}, 120_000);

afterAll(async () => {
  console.log(`bad bodies: ${tally.summary()}`);
  await world?.stop();
});

function bodyRequest(): fc.Arbitrary<BadRequest> {
  // fetch sends no body on GET: those paths are the headers suite's.
  const endpoints = documentedEndpoints().filter((endpoint) => endpoint.method !== 'GET');
  return endpointArbitrary(endpoints).chain((endpoint) => {
    const valid = exampleOf(endpoint.bodySchema);
    const body = fc.oneof(
      { arbitrary: mutatedBody(valid).map((value) => JSON.stringify(value)), weight: 4 },
      { arbitrary: randomJson.map((value) => JSON.stringify(value)), weight: 3 },
      { arbitrary: brokenJsonText, weight: 2 },
      { arbitrary: fc.constant(''), weight: 1 },
    );
    const type = fc.oneof(
      { arbitrary: fc.constant('application/json'), weight: 4 },
      { arbitrary: contentType, weight: 1 },
    );
    return fc
      .record({
        path: pathArbitrary(endpoint, world.ids),
        body,
        type,
      })
      .map(({ path, body: text, type: mediaType }) => ({
        method: endpoint.method,
        target: path,
        headers: { authorization: `Bearer ${world.app.apiKey}`, 'content-type': mediaType },
        body: text,
      }));
  });
}

describe('bad request bodies, to every documented endpoint', () => {
  it('are answered below 500, with problem+json, and refused ones write nothing', async () => {
    await fc.assert(
      fc.asyncProperty(bodyRequest(), async (request) => {
        tally.add(await probe(world.app.apiUrl, request, world.watch, allowedWrites(request)));
      }),
      { numRuns: 1000, seed, path: process.env.BAD_INPUT_PATH, endOnFailure: true },
    );
    // The runs reached past authentication and the parsers, into the routes' own validation.
    expect(tally.byStatus.get(422) ?? 0).toBeGreaterThan(50);
    expect(tally.byStatus.get(400) ?? 0).toBeGreaterThan(20);
  }, 240_000);
});
