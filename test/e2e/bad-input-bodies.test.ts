import fc from 'fast-check';
import { brokenJsonText, contentType, exampleOf, mutatedBody, randomJson } from '../support/bad-input/arbitraries';
import { documentedEndpoints, endpointArbitrary, pathArbitrary } from '../support/bad-input/endpoints';
import type { BadRequest } from '../support/bad-input/probe';
import { badInputSuite } from '../support/bad-input/suite';

const suite = badInputSuite('bad bodies', 9_301);

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
        path: pathArbitrary(endpoint, suite.world.ids),
        body,
        type,
      })
      .map(({ path, body: text, type: mediaType }) => ({
        method: endpoint.method,
        target: path,
        headers: { authorization: `Bearer ${suite.world.app.apiKey}`, 'content-type': mediaType },
        body: text,
      }));
  });
}

describe('bad request bodies, to every documented endpoint', () => {
  it('are answered below 500, with problem+json, and refused ones write nothing', async () => {
    await suite.check(bodyRequest(), 1000);
    // The runs reached past authentication and the parsers, into the routes' own validation.
    expect(suite.tally.byStatus.get(422) ?? 0).toBeGreaterThan(50);
    expect(suite.tally.byStatus.get(400) ?? 0).toBeGreaterThan(20);
  }, 240_000);
});
