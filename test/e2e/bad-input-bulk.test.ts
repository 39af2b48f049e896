import fc from 'fast-check';
import { openApiDocument } from '../../api/openapi';
import {
  brokenJsonText,
  contentType,
  csvFile,
  exampleOf,
  mutatedBody,
  queryString,
} from '../support/bad-input/arbitraries';
import { probe, Tally, type BadRequest } from '../support/bad-input/probe';
import { allowedWrites } from '../support/bad-input/requests';
import { startBadInputWorld, type BadInputWorld } from '../support/bad-input/world';

const seed = Number(process.env.BAD_INPUT_SEED ?? 9_303);
let world: BadInputWorld;
const tally = new Tally();

beforeAll(async () => {
  world = await startBadInputWorld();
}, 120_000);

afterAll(async () => {
  console.log(`bad bulk imports: ${tally.summary()}`);
  await world?.stop();
});

const bulkPath = () => `/v1/workspaces/${world.ids.ws}/invitations/bulk`;

/** The settings a CSV import takes in its query, right or with random fields added. */
function csvQuery(): fc.Arbitrary<string> {
  const valid = `inviterUserId=${world.inviter.userId}&inviterRoles=${world.inviter.roles.join(',')}`;
  const known = ['inviterUserId', 'inviterRoles', 'inviterName', 'roles', 'groups', 'send', 'locale', 'phoneCountry'];
  return fc.oneof(
    { arbitrary: fc.constant(valid), weight: 3 },
    { arbitrary: queryString(known).map((query) => `${valid}&${query}`), weight: 1 },
    { arbitrary: queryString(known), weight: 1 },
  );
}

function csvRequest(): fc.Arbitrary<BadRequest> {
  return fc
    .record({
      query: csvQuery(),
      csv: csvFile,
      type: fc.oneof({ arbitrary: fc.constant('text/csv'), weight: 4 }, { arbitrary: contentType, weight: 1 }),
    })
    .map(({ query, csv, type }) => ({
      method: 'POST',
      target: `${bulkPath()}?${query}`,
      headers: { authorization: `Bearer ${world.app.apiKey}`, 'content-type': type },
      body: csv,
    }));
}

function jsonRequest(): fc.Arbitrary<BadRequest> {
  const schema =
    openApiDocument().paths['/v1/workspaces/{ws}/invitations/bulk']?.post?.requestBody?.content['application/json']
      ?.schema;
  // The schema wants emails or entries, not both: the example starts with the pasted list.
  const { entries: _entries, ...example } = exampleOf(schema) as Record<string, unknown>;
  const valid = { ...example, inviter: world.inviter, emails: 'a@example.org;b@example.org' };
  const entry = fc.record({ email: fc.string({ maxLength: 40 }), name: fc.string({ maxLength: 40 }) });
  return fc
    .oneof(
      { arbitrary: mutatedBody(valid as never).map((body) => JSON.stringify(body)), weight: 4 },
      {
        arbitrary: fc
          .array(entry, { maxLength: 11_000, size: 'max' })
          .map((entries) => JSON.stringify({ entries, inviter: { userId: 5 } })),
        weight: 1,
      },
      { arbitrary: brokenJsonText, weight: 1 },
    )
    .map((body) => ({
      method: 'POST',
      target: bulkPath(),
      headers: { authorization: `Bearer ${world.app.apiKey}`, 'content-type': 'application/json' },
      body,
    }));
}

describe('bad bulk imports: CSV files and JSON bodies', () => {
  it('are answered below 500, with problem+json, and refused ones write nothing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(csvRequest(), jsonRequest()), async (request) => {
        tally.add(await probe(world.app.apiUrl, request, world.watch, allowedWrites(request)));
      }),
      { numRuns: 150, seed, path: process.env.BAD_INPUT_PATH, endOnFailure: true },
    );
    expect(tally.byStatus.get(422) ?? 0).toBeGreaterThan(30);
  }, 240_000);
});
