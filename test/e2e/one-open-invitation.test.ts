import { startTestInviteflow, type TestInviteflow } from '../support/harness';

let app: TestInviteflow;
const inviter = { userId: 'u-admin', roles: ['admin'] };

beforeAll(async () => {
  app = await startTestInviteflow();
  expect((await app.call('PUT', '/v1/workspaces/acme', { name: 'Acme' })).status).toBe(201);
  expect((await app.call('PUT', '/v1/workspaces/other', { name: 'Other' })).status).toBe(201);
});

afterAll(async () => {
  await app?.stop();
});

const invite = (invitee: Record<string, string | boolean>, workspace = 'acme', headers: Record<string, string> = {}) =>
  app.call('POST', `/v1/workspaces/${workspace}/invitations`, { invitee, inviter, send: false }, headers);

test('inviting someone who has an open invitation answers that one, by email (any case) or phone', async () => {
  const first = await invite({ email: 'Ana@Example.org', phone: '+33612345678', phoneConsent: true });
  expect(first.status).toBe(201);

  const sameEmail = await invite({ email: 'ana@example.ORG' });
  expect(sameEmail.status).toBe(200);
  expect(sameEmail.body.id).toBe(first.body.id);
  expect(sameEmail.headers.get('location')).toBe(`/v1/workspaces/acme/invitations/${first.body.id}`);

  const samePhone = await invite({ email: 'someone-else@example.org', phone: '+33 6 12 34 56 78', phoneConsent: true });
  expect(samePhone.status).toBe(200);
  expect(samePhone.body.id).toBe(first.body.id);

  // Plus-tags are kept: another inbox is another person; another workspace is another place.
  expect((await invite({ email: 'ana+work@example.org' })).status).toBe(201);
  expect((await invite({ email: 'ana@example.org' }, 'other')).status).toBe(201);
});

test('20 parallel invitations of one email make exactly one invitation', async () => {
  const answers = await Promise.all(Array.from({ length: 20 }, () => invite({ email: 'crowd@example.org' })));
  expect(answers.filter((answer) => answer.status === 201)).toHaveLength(1);
  expect(answers.filter((answer) => answer.status === 200)).toHaveLength(19);
  expect(new Set(answers.map((answer) => answer.body.id as string)).size).toBe(1);
  const listed = await app.call('GET', '/v1/workspaces/acme/invitations?status=registered&limit=200');
  expect(
    listed.body.data.filter((row: { invitee: { email: string } }) => row.invitee.email === 'crowd@example.org'),
  ).toHaveLength(1);
});

test('once an invitation ends, the person can be invited again', async () => {
  const first = await invite({ email: 'bo@example.org' });
  expect((await app.call('POST', `/v1/workspaces/acme/invitations/${first.body.id}/revoke`, {})).status).toBe(200);
  const second = await invite({ email: 'bo@example.org' });
  expect(second.status).toBe(201);
  expect(second.body.id).not.toBe(first.body.id);
});

test('Idempotency-Key: a retry gets the first answer; the same key for another request is refused', async () => {
  const headers = { 'idempotency-key': 'create-cy-1' };
  const first = await invite({ email: 'cy@example.org' }, 'acme', headers);
  expect(first.status).toBe(201);
  expect(first.headers.get('idempotent-replayed')).toBeNull();

  const retry = await invite({ email: 'cy@example.org' }, 'acme', headers);
  expect(retry.status).toBe(201);
  expect(retry.headers.get('idempotent-replayed')).toBe('true');
  expect(retry.body).toEqual(first.body);

  const reused = await invite({ email: 'dee@example.org' }, 'acme', headers);
  expect(reused.status).toBe(422);
  expect(reused.body.code).toBe('idempotency_key_reused');
  expect(reused.body.errors).toEqual([
    { field: 'header.Idempotency-Key', message: 'was used for a different request' },
  ]);

  const badKey = await invite({ email: 'dee@example.org' }, 'acme', { 'idempotency-key': 'has spaces' });
  expect(badKey.status).toBe(422);
  expect(badKey.body.errors[0].field).toBe('header.Idempotency-Key');
});

test('an idempotent refusal is replayed as the same problem', async () => {
  const headers = { 'idempotency-key': 'refused-1' };
  const body = { invitee: { email: 'x@example.org' }, inviter: { userId: 'u', roles: ['member'] } };
  const first = await app.call('POST', '/v1/workspaces/acme/invitations', body, headers);
  expect(first.status).toBe(403);
  const retry = await app.call('POST', '/v1/workspaces/acme/invitations', body, headers);
  expect(retry.status).toBe(403);
  expect(retry.headers.get('content-type')).toContain('application/problem+json');
  expect(retry.body).toEqual(first.body);
});
