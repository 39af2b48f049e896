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
import type { BadRequest } from '../support/bad-input/probe';
import { badInputSuite } from '../support/bad-input/suite';

const suite = badInputSuite('bad bulk imports', 9_303);

const bulkPath = () => `/v1/workspaces/${suite.world.ids.ws}/invitations/bulk`;

/** The settings a CSV import takes in its query, right or with random fields added. */
function csvQuery(): fc.Arbitrary<string> {
  const valid = `inviterUserId=${suite.world.inviter.userId}&inviterRoles=${suite.world.inviter.roles.join(',')}`;
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
      headers: { authorization: `Bearer ${suite.world.app.apiKey}`, 'content-type': type },
      body: csv,
    }));
}

function jsonRequest(): fc.Arbitrary<BadRequest> {
  const schema =
    openApiDocument().paths['/v1/workspaces/{ws}/invitations/bulk']?.post?.requestBody?.content['application/json']
      ?.schema;
  // The schema wants emails or entries, not both: the example starts with the pasted list.
  const { entries: _entries, ...example } = exampleOf(schema) as Record<string, unknown>;
  const valid = { ...example, inviter: suite.world.inviter, emails: 'a@example.org;b@example.org' };
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
      headers: { authorization: `Bearer ${suite.world.app.apiKey}`, 'content-type': 'application/json' },
      body,
    }));
}

describe('bad bulk imports: CSV files and JSON bodies', () => {
  it('are answered below 500, with problem+json, and refused ones write nothing', async () => {
    await suite.check(fc.oneof(csvRequest(), jsonRequest()), 150);
    expect(suite.tally.byStatus.get(422) ?? 0).toBeGreaterThan(30);
  }, 240_000);
});
