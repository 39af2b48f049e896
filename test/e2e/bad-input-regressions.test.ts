import { connect } from 'node:net';
import { startTestInviteflow, type TestInviteflow } from '../support/harness';

/** Bugs the bad-input property suites found, each pinned by its smallest input. */
let app: TestInviteflow;
const ws = 'regressions';

beforeAll(async () => {
  app = await startTestInviteflow();
  await app.call('PUT', `/v1/workspaces/${ws}`, { name: 'Regressions', settings: { roles: ['admin', 'member'] } });
}, 120_000);

afterAll(async () => {
  await app?.stop();
});

async function send(method: string, target: string, body?: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${app.apiUrl}${target}`, {
    method,
    headers: { authorization: `Bearer ${app.apiKey}`, 'content-type': 'application/json', ...headers },
    body,
  });
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    body: JSON.parse(await response.text()),
  };
}

async function rowCounts(): Promise<Record<string, number>> {
  const [counts] = await app.orm.em.getConnection().execute<Record<string, number>[]>(
    `select (select count(*)::int from bulk_imports) as bulk_imports,
            (select count(*)::int from bulk_rows) as bulk_rows,
            (select count(*)::int from idempotency_keys) as idempotency_keys,
            (select count(*)::int from webhook_endpoints) as webhook_endpoints,
            (select count(*)::int from workspaces) as workspaces`,
  );
  return counts!;
}

/** What a raw HTTP/1.1 client gets back, for requests fetch will not send. */
function rawExchange(request: string): Promise<string> {
  const { port } = new URL(app.apiUrl);
  return new Promise((resolve, reject) => {
    let answer = '';
    const socket = connect(Number(port), 'localhost', () => socket.write(request));
    socket.on('data', (chunk) => (answer += String(chunk)));
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
  });
}

const controlCharacters = 'must not contain control characters';
test.each([
  ['DELETE', `/v1/workspaces/${ws}/invitations/%00/personal-data`, 'path.id', controlCharacters],
  ['GET', `/v1/workspaces/${ws}/invitations/a%00b`, 'path.id', controlCharacters],
  ['DELETE', '/v1/webhook-endpoints/%00?a.b[]=vvv', 'path.id', controlCharacters],
  ['GET', '/v1/workspaces/%00', 'path.ws', 'must be 1-64 letters, digits, "_", "-" or "."'],
  ['GET', `/v1/workspaces/${ws}/members/%0A`, 'path.userId', controlCharacters],
])('%s %s: a control character in a path id is a 422 naming it, not a 500', async (method, target, field, message) => {
  const answer = await send(method, target, method === 'GET' ? undefined : '{}');

  expect(answer.status).toBe(422);
  expect(answer.type).toMatch(/^application\/problem\+json/);
  expect(answer.body.errors).toEqual([{ field, message }]);
});

test('a NUL in a JSON string is a 422 naming the field, before PostgreSQL sees it', async () => {
  const before = await rowCounts();
  const answer = await send('PUT', '/v1/workspaces/nul-name', JSON.stringify({ name: 'a\u0000b' }));

  expect(answer.status).toBe(422);
  expect(answer.body.errors).toEqual([{ field: '/name', message: 'must not contain the NUL character (U+0000)' }]);
  expect(await rowCounts()).toEqual(before);
});

test('a NUL in the name of a property is a 422 naming it, as the document states for every string', async () => {
  const answer = await send('POST', '/codec/encode', JSON.stringify({ payloads: [{ metadata: { 'a\u0000b': '' } }] }));

  expect(answer.status).toBe(422);
  expect(answer.body.errors).toEqual([
    { field: '/payloads/0/metadata/a\u0000b', message: 'its name must not contain the NUL character (U+0000)' },
  ]);
});

test.each([
  [
    'a lone surrogate in a string',
    '{"name": "Acme \\ud800"}',
    '/name',
    'must be well-formed Unicode (no lone surrogate)',
  ],
  [
    'a lone surrogate in a settings value',
    '{"name": "Acme", "settings": {"roles": ["admin", "\\udc00"], "defaultRole": "admin", "codeJoinRole": "admin"}}',
    '/settings/roles/1',
    'must be well-formed Unicode (no lone surrogate)',
  ],
])('%s is a 422 naming it, not a jsonb 500 nor a silent replacement', async (_what, body, field, message) => {
  const before = await rowCounts();
  const answer = await send('PUT', '/v1/workspaces/unicode', body);

  expect([answer.status, answer.body.code]).toEqual([422, 'validation_failed']);
  expect(answer.body.errors).toContainEqual({ field, message });
  expect(await rowCounts()).toEqual(before);
});

test('a webhook endpoint for a workspace that does not exist is a 404 naming the field, not a foreign-key 500', async () => {
  const before = await rowCounts();
  const body = { url: 'https://example.org/hooks', workspaceId: '\u{4ab16}\u{88b6b}\u2460' };
  const answer = await send('POST', '/v1/webhook-endpoints', JSON.stringify(body));

  expect(answer.status).toBe(404);
  expect(answer.body).toMatchObject({
    code: 'workspace_not_found',
    errors: [{ field: '/workspaceId', message: 'no such workspace' }],
  });
  expect(await rowCounts()).toEqual(before);
});

test('a NUL in a CSV import is a 422 at its line and writes no import', async () => {
  const before = await rowCounts();
  const csv = `email,name,roles\nana@example.org,${'f'.repeat(350_000)},member\n\u0000,#`;
  const answer = await send(
    'POST',
    `/v1/workspaces/${ws}/invitations/bulk?inviterUserId=u-admin&inviterRoles=admin`,
    csv,
    { 'content-type': 'text/csv' },
  );

  expect(answer.status).toBe(422);
  expect(answer.body.errors).toEqual([
    { field: 'body', message: 'the CSV cannot be read at line 3: it holds a NUL character (U+0000)' },
  ]);
  expect(await rowCounts()).toEqual(before);
});

test('an Idempotency-Key is not kept for a request refused by validation, so the fixed request may reuse it', async () => {
  const headers = { 'idempotency-key': 'fix-and-retry-1' };
  const before = await rowCounts();
  const refused = await send('POST', `/v1/workspaces/${ws}/invitations`, JSON.stringify({ roles: 'x' }), headers);

  expect(refused.status).toBe(422);
  expect(await rowCounts()).toEqual(before);

  const fixed = await send(
    'POST',
    `/v1/workspaces/${ws}/invitations`,
    JSON.stringify({
      invitee: { email: 'retry@example.org' },
      roles: ['member'],
      inviter: { userId: 'u-admin', roles: ['admin'] },
    }),
    headers,
  );
  expect(fixed.status).toBe(201);
});

test('headers over Node’s limit get a 431 problem+json, not a bare status line', async () => {
  const answer = await rawExchange(`GET /healthz HTTP/1.1\r\nhost: localhost\r\nx-big: ${'h'.repeat(20_000)}\r\n\r\n`);
  const [head, body] = answer.split('\r\n\r\n');

  expect(head).toMatch(/^HTTP\/1\.1 431 /);
  expect(head).toMatch(/\r\ncontent-type: application\/problem\+json\r\n/i);
  expect(JSON.parse(body!)).toMatchObject({
    status: 431,
    code: 'headers_too_large',
    type: '/problems/headers_too_large',
  });
});

test('a malformed request line gets a 400 problem+json', async () => {
  const answer = await rawExchange('THIS IS NOT HTTP\r\n\r\n');
  const [head, body] = answer.split('\r\n\r\n');

  expect(head).toMatch(/^HTTP\/1\.1 400 /);
  expect(JSON.parse(body!)).toMatchObject({ status: 400, code: 'malformed_request', title: 'malformed request' });
});

test('a profile nested thousands deep is a 422 naming where it got too deep, not a 500 from a blown stack', async () => {
  // Written out as text: building it as a value and stringifying it would blow the test's own stack.
  const deep = `${'[{"a":'.repeat(3000)}1${'}]'.repeat(3000)}`;
  const answer = await send('POST', '/v1/invitations/accept', `{"token":"x","userId":"x","profile":{"deep":${deep}}}`);

  expect(answer.status).toBe(422);
  const [error] = answer.body.errors as { field: string; message: string }[];
  expect(error!.field).toMatch(/^\/profile\/deep\/0\/a\/0\/a\//);
  expect(error!.message).toBe('nests deeper than 32 levels');
});
