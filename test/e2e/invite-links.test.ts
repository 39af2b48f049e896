import { addWorkspaceKey } from '../support/api-keys';
import { startTestInviteflow, type TestInviteflow } from '../support/harness';
import { putWorkspaces } from '../support/workspaces';
import { addWebhookEndpoint } from '../support/webhook-endpoint';
import { startWebhookReceiver, verifyWebhook, type WebhookReceiver } from '../support/webhook-receiver';

let app: TestInviteflow;
let hooks: WebhookReceiver;
let webhookSecret: string;

beforeAll(async () => {
  [app, hooks] = await Promise.all([startTestInviteflow({ JOIN_ATTEMPTS_PER_VISITOR: '6' }), startWebhookReceiver()]);
  await putWorkspaces(app, {
    links: { linkUrl: 'https://host.example/join/{token}', linkTtlMax: '7d', roles: ['admin', 'member', 'guest'] },
    bare: {},
    small: { seatLimit: 1 },
  });
  ({ secret: webhookSecret } = await addWebhookEndpoint(app, hooks));
});

afterAll(async () => {
  await app?.stop();
  await hooks?.close();
});

const makeLink = async (workspace: string, body: Record<string, unknown> = {}) => {
  const made = await app.call('POST', `/v1/workspaces/${workspace}/invite-links`, body);
  expect(made.status).toBe(201);
  return made.body as { id: string; token: string; url: string | null; [field: string]: any };
};

const redeem = (token: string, userId: string, extra: Record<string, unknown> = {}) =>
  app.call('POST', '/v1/invite-links/redeem', { token, userId, ...extra });

test('a link lives linkTtlMax by default, has its URL and QR code, and refuses an expiry beyond the ceiling', async () => {
  const link = await makeLink('links');
  expect(link).toMatchObject({ roles: ['member'], groups: [], maxUses: null, uses: 0, disabled: false });
  expect(link.url).toBe(`https://host.example/join/${link.token}`);
  const lifetime = Date.parse(link.expiresAt) - Date.parse(link.createdAt);
  expect(Math.abs(lifetime - 7 * 86_400_000)).toBeLessThan(5_000);

  const qr = await fetch(`${app.apiUrl}/v1/workspaces/links/invite-links/${link.id}/qr.svg`, {
    headers: { authorization: `Bearer ${app.apiKey}` },
  });
  expect(qr.headers.get('content-type')).toContain('image/svg+xml');
  expect(await qr.text()).toContain('<svg');

  const tooLong = await app.call('POST', '/v1/workspaces/links/invite-links', {
    expiresAt: new Date(Date.now() + 8 * 86_400_000).toISOString(),
  });
  expect(tooLong.status).toBe(422);
  expect(tooLong.body.errors).toEqual([{ field: '/expiresAt', message: expect.any(String) }]);
  const unknownRole = await app.call('POST', '/v1/workspaces/links/invite-links', { roles: ['owner'] });
  expect(unknownRole.status).toBe(422);
  expect(unknownRole.body.code).toBe('unknown_role');

  const bare = await makeLink('bare');
  expect(bare.url).toBeNull();
  const noQr = await app.call('GET', `/v1/workspaces/bare/invite-links/${bare.id}/qr.svg`);
  expect([noQr.status, noQr.body.code]).toEqual([409, 'link_url_not_set']);
});

test('redeeming joins with the link roles and groups, announces it, counts the use and logs who and from where', async () => {
  const link = await makeLink('links', { roles: ['guest'], groups: ['night-shift'], maxUses: 2 });
  const joined = await redeem(link.token, 'u-ana');
  expect(joined.status).toBe(201);
  expect(joined.body.member).toMatchObject({ roles: ['guest'], groups: ['night-shift'], joinedVia: 'link' });

  const hook = await hooks.waitFor((received) => JSON.parse(received.body).data.member?.userId === 'u-ana');
  expect(verifyWebhook(hook, webhookSecret)).toMatchObject({ type: 'member.joined', data: { link: { id: link.id } } });

  expect((await redeem(link.token, 'u-ana')).body.code).toBe('already_member');
  expect((await redeem(link.token, 'u-bo')).status).toBe(201);
  // Used up: the same answer as a token that never was.
  const usedUp = await redeem(link.token, 'u-cy');
  expect([usedUp.status, usedUp.body.code]).toEqual([404, 'invalid_link']);

  const shown = await app.call('GET', `/v1/workspaces/links/invite-links/${link.id}`);
  expect(shown.body.uses).toBe(2);
  const log = await app.call('GET', `/v1/workspaces/links/invite-links/${link.id}/redemptions?limit=1`);
  expect(log.body.data).toEqual([{ userId: 'u-bo', redeemedAt: expect.any(String), visitor: expect.any(String) }]);
  expect(JSON.stringify(log.body)).not.toContain('127.0.0.1');
  const rest = await app.call(
    'GET',
    `/v1/workspaces/links/invite-links/${link.id}/redemptions?cursor=${log.body.nextCursor}`,
  );
  expect(rest.body).toEqual({
    data: [{ userId: 'u-ana', redeemedAt: expect.any(String), visitor: log.body.data[0].visitor }],
    nextCursor: null,
  });
});

test('a link for some email domains lets in only verified emails of them', async () => {
  const link = await makeLink('links', { allowedEmailDomains: ['acme.example'] });
  for (const extra of [{}, { email: 'dee@acme.example' }, { email: 'dee@other.example', emailVerified: true }]) {
    const refused = await redeem(link.token, 'u-dee', extra);
    expect([refused.status, refused.body.code]).toEqual([403, 'email_domain_not_allowed']);
  }
  expect((await redeem(link.token, 'u-dee', { email: 'Dee@ACME.example', emailVerified: true })).status).toBe(201);
});

test('a disabled, rotated or expired link stops; rotating gives a token that works', async () => {
  const link = await makeLink('links');
  const path = `/v1/workspaces/links/invite-links/${link.id}`;
  expect((await app.call('PATCH', path, { disabled: true })).body.disabled).toBe(true);
  expect((await redeem(link.token, 'u-eve')).body.code).toBe('invalid_link');
  expect((await app.call('PATCH', path, { disabled: false })).status).toBe(200);

  const rotated = await app.call('POST', `${path}/rotate`);
  expect(rotated.body.token).not.toBe(link.token);
  expect((await redeem(link.token, 'u-eve')).body.code).toBe('invalid_link');
  expect((await redeem(rotated.body.token, 'u-eve')).status).toBe(201);

  const brief = await makeLink('links', { expiresAt: new Date(Date.now() + 1_000).toISOString() });
  await new Promise((resolve) => setTimeout(resolve, 1_200));
  expect((await redeem(brief.token, 'u-fay')).body.code).toBe('invalid_link');
});

test("the seat limit holds, and a workspace key redeems its own workspace's links only", async () => {
  const link = await makeLink('small');
  expect((await redeem(link.token, 'u-gil')).status).toBe(201);
  expect((await redeem(link.token, 'u-hal')).body.code).toBe('seat_limit_reached');

  const other = await makeLink('links');
  const key = await addWorkspaceKey(app, 'small');
  const elsewhere = await fetch(`${app.apiUrl}/v1/invite-links/redeem`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ token: other.token, userId: 'u-ivy' }),
  });
  expect(elsewhere.status).toBe(404);
});

test('deleting a link stops it', async () => {
  const link = await makeLink('links');
  expect((await app.call('DELETE', `/v1/workspaces/links/invite-links/${link.id}`)).status).toBe(204);
  expect((await app.call('GET', `/v1/workspaces/links/invite-links/${link.id}`)).body.code).toBe(
    'invite_link_not_found',
  );
  expect((await redeem(link.token, 'u-jo')).body.code).toBe('invalid_link');
});

// Last: it uses up this visitor's tries.
test('guessed tokens are capped like workspace codes: past the cap even a good one is 429', async () => {
  const link = await makeLink('links');
  const answers: number[] = [];
  for (let tries = 0; tries < 8; tries += 1) answers.push((await redeem(`guess-${tries}`, `u-guess-${tries}`)).status);
  expect(answers).toContain(429);
  const capped = await redeem(link.token, 'u-kim');
  expect(capped.status).toBe(429);
  expect(Number(capped.headers.get('retry-after'))).toBeGreaterThan(0);
});
