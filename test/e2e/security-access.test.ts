import { hashApiKey } from '../../api/auth';
import { addWorkspaceKey } from '../support/api-keys';
import { startTestInviteflow, type TestInviteflow } from '../support/harness';

let app: TestInviteflow;
/** A workspace key of `alpha`; `beta` is another workspace, `gamma` none at all. */
let alphaKey: string;
const inviter = { userId: 'u-admin', roles: ['admin'] };
let betaInvitation: string;
let betaBulk: string;
let betaEndpoint: string;

beforeAll(async () => {
  app = await startTestInviteflow();
  for (const ws of ['alpha', 'beta']) {
    expect(
      (await app.call('PUT', `/v1/workspaces/${ws}`, { name: ws, settings: { resendInterval: '0s' } })).status,
    ).toBe(201);
  }
  alphaKey = await addWorkspaceKey(app, 'alpha');
  const invited = await app.call('POST', '/v1/workspaces/beta/invitations', {
    invitee: { email: 'bea@example.org' },
    inviter,
  });
  expect(invited.status).toBe(201);
  betaInvitation = invited.body.id;
  const bulk = await app.call('POST', '/v1/workspaces/beta/invitations/bulk', { emails: 'bo@example.org', inviter });
  expect(bulk.status).toBe(202);
  betaBulk = bulk.body.id;
  const code = (await app.call('GET', '/v1/workspaces/beta/invitation-code')).body.code;
  expect((await app.call('POST', '/v1/join', { code, userId: 'u-beta' })).status).toBe(201);
  const endpoint = await app.call('POST', '/v1/webhook-endpoints', {
    url: 'http://127.0.0.1:9/hooks',
    workspaceId: 'beta',
  });
  expect(endpoint.status).toBe(201);
  betaEndpoint = endpoint.body.id;
});

afterAll(async () => {
  await app?.stop();
});

async function callAs(key: string, method: string, path: string, body?: unknown) {
  const response = await fetch(`${app.apiUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, body: text ? JSON.parse(text) : undefined };
}

test('api_keys holds the SHA-256 of each key, never a key', async () => {
  const rows = await app.orm.em.fork().execute<{ row: string }[]>('select row_to_json(k)::text as row from api_keys k');
  const stored = rows.map(({ row }) => row).join('\n');
  for (const key of [app.apiKey, alphaKey]) {
    expect(stored).toContain(hashApiKey(key));
    expect(stored).not.toContain(key);
  }
  expect(rows).toHaveLength(2);
});

describe("a workspace key on another workspace's routes", () => {
  /** Every route under /v1/workspaces/:ws, with a body that would pass validation. */
  const routes = (ws: string): [string, string, unknown?][] => {
    const invitation = `/v1/workspaces/${ws}/invitations/${betaInvitation}`;
    return [
      ['GET', `/v1/workspaces/${ws}`],
      ['GET', `/v1/workspaces/${ws}/invitations`],
      ['POST', `/v1/workspaces/${ws}/invitations`, { invitee: { email: 'x@example.org' }, inviter }],
      ['GET', invitation],
      ['PATCH', invitation, { roles: ['member'] }],
      ['POST', `${invitation}/send`, {}],
      ['POST', `${invitation}/resend`, {}],
      ['POST', `${invitation}/revoke`, {}],
      ['POST', `${invitation}/approve`, { approver: inviter }],
      ['POST', `${invitation}/reject`, { approver: inviter }],
      ['GET', `${invitation}/link`],
      ['GET', `${invitation}/qr.svg`],
      ['GET', `${invitation}/qr.png`],
      ['GET', `${invitation}/print.pdf`],
      ['DELETE', `${invitation}/personal-data`],
      ['POST', `/v1/workspaces/${ws}/invitations/bulk`, { emails: 'y@example.org', inviter }],
      ['GET', `/v1/workspaces/${ws}/invitations/bulk/${betaBulk}`],
      ['POST', `/v1/workspaces/${ws}/invitations/bulk/${betaBulk}/cancel`],
      ['GET', `/v1/workspaces/${ws}/members`],
      ['GET', `/v1/workspaces/${ws}/members/u-beta`],
      ['PATCH', `/v1/workspaces/${ws}/members/u-beta`, { status: 'disabled' }],
      ['DELETE', `/v1/workspaces/${ws}/members/u-beta`],
      ['GET', `/v1/workspaces/${ws}/invitation-code`],
      ['POST', `/v1/workspaces/${ws}/invitation-code/rotate`],
      ['PUT', `/v1/workspaces/${ws}/invitation-code`, { code: 'BETA2026' }],
      ['GET', `/v1/workspaces/${ws}/stats`],
      ['PUT', `/v1/workspaces/${ws}/templates/invitation/en`, { subject: 's', html: '<p>h</p>', text: 't' }],
      ['GET', `/v1/workspaces/${ws}/templates/invitation/en`],
      ['DELETE', `/v1/workspaces/${ws}/templates/invitation/en`],
      ['POST', `/v1/workspaces/${ws}/templates/invitation/preview`, {}],
      ['POST', '/v1/webhook-endpoints', { url: 'http://127.0.0.1:9/hooks', workspaceId: ws }],
    ];
  };

  test('get 404 workspace_not_found, byte for byte what a missing workspace gets', async () => {
    const missing = await callAs(app.apiKey, 'GET', '/v1/workspaces/gamma');
    expect(missing.status).toBe(404);
    const nowhere = routes('gamma');
    const answers = [];
    for (const [index, [method, path, body]] of routes('beta').entries()) {
      const answer = await callAs(alphaKey, method, path, body);
      const [, missingPath, missingBody] = nowhere[index]!;
      const none = await callAs(alphaKey, method, missingPath, missingBody);
      answers.push({
        route: `${method} ${path}`,
        status: answer.status,
        type: answer.headers.get('content-type'),
        text: answer.text,
        sameAsMissing: answer.text === none.text.replaceAll('gamma', 'beta'),
      });
    }
    const expected = {
      status: 404,
      type: 'application/problem+json; charset=utf-8',
      text: missing.text.replaceAll('gamma', 'beta'),
      sameAsMissing: true,
    };
    expect(answers).toEqual(answers.map(({ route }) => ({ route, ...expected })));
  });

  test('change nothing there', async () => {
    const invitation = await app.call('GET', `/v1/workspaces/beta/invitations/${betaInvitation}`);
    expect(invitation.body).toMatchObject({ status: 'pending', invitee: { email: 'bea@example.org' }, sendCount: 1 });
    const emails = (await app.call('GET', '/v1/workspaces/beta/invitations')).body.data.map(
      (row: { invitee: { email: string } }) => row.invitee.email,
    );
    expect(emails).not.toContain('x@example.org');
    expect(emails).not.toContain('y@example.org');
    expect((await app.call('GET', '/v1/workspaces/beta/members/u-beta')).body.status).toBe('active');
    expect((await app.call('GET', '/v1/workspaces/beta/invitation-code')).body.code).not.toBe('BETA2026');
    expect((await app.call('GET', '/v1/webhook-endpoints')).body.data).toHaveLength(1);
  });

  test("reach none of its invitations, bulk imports or webhook endpoints through the key's own workspace", async () => {
    const own = `/v1/workspaces/alpha/invitations/${betaInvitation}`;
    for (const [method, path] of [
      ['GET', own],
      ['GET', `${own}/link`],
      ['POST', `${own}/revoke`],
    ] as const) {
      const answer = await callAs(alphaKey, method, path, method === 'POST' ? {} : undefined);
      expect({ path, status: answer.status, code: answer.body.code }).toEqual({
        path,
        status: 404,
        code: 'invitation_not_found',
      });
    }
    const bulk = await callAs(alphaKey, 'GET', `/v1/workspaces/alpha/invitations/bulk/${betaBulk}`);
    expect([bulk.status, bulk.body.code]).toEqual([404, 'not_found']);
    // Byte for byte what an endpoint that never existed gets, but for the id it names.
    const foreign = await callAs(alphaKey, 'GET', `/v1/webhook-endpoints/${betaEndpoint}`);
    const missing = await callAs(alphaKey, 'GET', '/v1/webhook-endpoints/whe_missing');
    expect([foreign.status, foreign.body.code]).toEqual([404, 'webhook_endpoint_not_found']);
    expect({ ...foreign.body, detail: null, instance: null }).toEqual({
      ...missing.body,
      detail: null,
      instance: null,
    });
    expect((await callAs(alphaKey, 'GET', '/v1/webhook-endpoints')).body.data).toEqual([]);
  });

  test('may not create or change workspaces: that takes a platform key (403)', async () => {
    const answer = await callAs(alphaKey, 'PUT', '/v1/workspaces/alpha', { name: 'mine now' });
    expect([answer.status, answer.body.code]).toEqual([403, 'forbidden']);
  });
});

describe('security headers', () => {
  const samples: [string, string, number][] = [
    ['/healthz', 'no key', 200],
    ['/openapi.json', 'no key', 200],
    ['/v1/workspaces/alpha', 'platform key', 200],
    ['/v1/workspaces/gamma', 'platform key', 404],
    ['/v1/workspaces/alpha', 'no key', 401],
    ['/no/such/route', 'platform key', 404],
    ['/docs', 'no key', 200],
  ];

  test.each(samples)('%s (%s, %i) carries them, and no X-Powered-By', async (path, auth, status) => {
    const response = await fetch(`${app.apiUrl}${path}`, {
      headers: auth === 'platform key' ? { authorization: `Bearer ${app.apiKey}` } : {},
    });
    expect(response.status).toBe(status);
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    expect(response.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
    expect(response.headers.get('strict-transport-security')).toMatch(/max-age=\d{7,}/);
    expect(response.headers.get('x-powered-by')).toBeNull();
  });

  test("/docs keeps its own CSP over the API's: its scripts from this server only", async () => {
    const response = await fetch(`${app.apiUrl}/docs`);
    const csp = response.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/unsafe-eval|https?:/);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
  });
});

test('a key revoked in the database stops working in every API process within a second', async () => {
  await app.call('PUT', '/v1/workspaces/revoking', { name: 'Revoking' });
  const key = await addWorkspaceKey(app, 'revoking');
  const other = await startTestInviteflow({}, { sameDeploymentAs: app, worker: false });
  try {
    const asKey = (on: TestInviteflow) =>
      fetch(`${on.apiUrl}/v1/workspaces/revoking`, { headers: { authorization: `Bearer ${key}` } });
    // Both processes have the key in their cache.
    expect([(await asKey(app)).status, (await asKey(other)).status]).toEqual([200, 200]);
    await app.orm.em.fork().execute('update api_keys set revoked_at = now() where key_hash = ?', [hashApiKey(key)]);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect([(await asKey(app)).status, (await asKey(other)).status]).toEqual([401, 401]);
  } finally {
    await other.stop();
  }
});

test('the API listens where HOST says, and on every interface without it', async () => {
  const local = await startTestInviteflow({ HOST: '127.0.0.1' }, { sameDeploymentAs: app, worker: false });
  try {
    expect([local.api!.address, app.api!.address]).toEqual(['127.0.0.1', '::']);
    expect((await fetch(`http://127.0.0.1:${new URL(local.apiUrl).port}/healthz`)).status).toBe(200);
  } finally {
    await local.stop();
  }
});
