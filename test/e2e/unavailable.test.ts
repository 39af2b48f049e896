import { freePort } from '../../embedded/free-port';
import { startTestInviteflow, type TestInviteflow } from '../support/harness';

let app: TestInviteflow;

beforeAll(async () => {
  // Nothing listens there: the API must still start, and answer for itself.
  app = await startTestInviteflow(
    { TEMPORAL_REQUEST_TIMEOUT_MS: '1000' },
    { temporalAddress: `127.0.0.1:${await freePort()}`, worker: false },
  );
  expect((await app.call('PUT', '/v1/workspaces/acme', { name: 'Acme' })).status).toBe(201);
});

afterAll(async () => {
  await app?.stop();
});

test('with Temporal out of reach, creating an invitation is a 503 to retry, not a 500', async () => {
  const response = await app.call('POST', '/v1/workspaces/acme/invitations', {
    invitee: { email: 'ana@example.org' },
    inviter: { userId: 'u1', roles: ['admin'] },
  });
  expect(response.status).toBe(503);
  expect(response.body.code).toBe('unavailable');
  expect(response.headers.get('retry-after')).toBe('5');
  const list = await app.call('GET', '/v1/workspaces/acme/invitations');
  expect(list.body.data).toEqual([]);
});

test('readiness says which dependency is missing; liveness stays up', async () => {
  const ready = await fetch(`${app.apiUrl}/readyz`);
  expect(ready.status).toBe(503);
  expect(await ready.json()).toEqual({ status: 'unavailable', checks: { database: true, temporal: false } });
  expect((await fetch(`${app.apiUrl}/healthz`)).status).toBe(200);
});

test('a body over the size limit is a 413 problem', async () => {
  const response = await app.call('PUT', '/v1/workspaces/acme', { name: 'x'.repeat(1_100_000) });
  expect(response.status).toBe(413);
  expect(response.body.code).toBe('payload_too_large');
});
