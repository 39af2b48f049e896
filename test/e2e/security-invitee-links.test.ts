import { invitationToken } from '../../domain/tokens';
import { addWorkspaceKey } from '../support/api-keys';
import { startTestInviteflow, type TestInviteflow } from '../support/harness';
import { invite } from '../support/invite';

async function statusBecomes(app: TestInviteflow, ws: string, id: string, status: string): Promise<void> {
  for (let tries = 0; tries < 100; tries += 1) {
    if ((await app.call('GET', `/v1/workspaces/${ws}/invitations/${id}`)).body.status === status) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`invitation ${id} never became ${status}`);
}

/** The three calls an invitee's page makes with a token, as a host with `key` sends them for the visitor at `ip`. */
function inviteeCalls(app: TestInviteflow, key = app.apiKey) {
  const call = async (method: string, path: string, body: unknown, ip: string) => {
    const response = await fetch(`${app.apiUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        'inviteflow-forwarded-for': ip,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return {
      status: response.status,
      type: response.headers.get('content-type'),
      retryAfter: response.headers.get('retry-after'),
      text,
      code: (text ? JSON.parse(text) : {}).code as string | undefined,
    };
  };
  return {
    lookup: (token: string, ip = '192.0.2.1') =>
      call('GET', `/v1/invitations/lookup?token=${encodeURIComponent(token)}`, undefined, ip),
    accept: (token: string, userId = 'u-someone', ip = '192.0.2.1') =>
      call('POST', '/v1/invitations/accept', { token, userId }, ip),
    decline: (token: string, ip = '192.0.2.1') => call('POST', '/v1/invitations/decline', { token }, ip),
  };
}

describe('a link that does not work', () => {
  let app: TestInviteflow;
  const tokens: Record<string, string> = {};
  /** The key each token is tried with, the platform key unless named. */
  const keyOf: Record<string, string> = {};
  let accepted: string;

  beforeAll(async () => {
    // Roomy caps: this block tries many dead links from one address.
    app = await startTestInviteflow({ JOIN_ATTEMPTS_PER_VISITOR: '1000', JOIN_ATTEMPTS_PER_USER: '1000' });
    const settings = { resendInterval: '0s' };
    expect((await app.call('PUT', '/v1/workspaces/links', { name: 'Links', settings })).status).toBe(201);
    expect((await app.call('PUT', '/v1/workspaces/other', { name: 'Other', settings })).status).toBe(201);
    const short = { name: 'Short', settings: { ...settings, invitationTtl: '2s' } };
    expect((await app.call('PUT', '/v1/workspaces/short', short)).status).toBe(201);

    const expired = await invite(app, { workspace: 'short', invitee: { email: 'exp@example.org' } });
    const revoked = await invite(app, { workspace: 'links', invitee: { email: 'rev@example.org' } });
    expect((await app.call('POST', `/v1/workspaces/links/invitations/${revoked.id}/revoke`, {})).status).toBe(200);
    const declined = await invite(app, { workspace: 'links', invitee: { email: 'dec@example.org' } });
    expect((await app.call('POST', '/v1/invitations/decline', { token: declined.token })).status).toBe(200);
    const elsewhere = await invite(app, { workspace: 'other', invitee: { email: 'else@example.org' } });
    const done = await invite(app, { workspace: 'links', invitee: { email: 'acc@example.org' } });
    expect((await app.call('POST', '/v1/invitations/accept', { token: done.token, userId: 'u-acc' })).status).toBe(200);
    accepted = done.token;
    await statusBecomes(app, 'short', expired.id, 'expired');

    Object.assign(tokens, {
      unknown: invitationToken(app.secret, 'inv_neverMadeNeverMade1'),
      forged: `${revoked.id}.${'A'.repeat(43)}`,
      malformed: 'not a token',
      expired: expired.token,
      revoked: revoked.token,
      declined: declined.token,
    });
    // Through a workspace key of `links`, another workspace's valid link is unknown too.
    tokens.foreign = elsewhere.token;
    keyOf.foreign = await addWorkspaceKey(app, 'links');
  });

  afterAll(async () => {
    await app?.stop();
  });

  test.each(['lookup', 'accept', 'decline'] as const)(
    '%s: unknown, forged, malformed, expired, revoked, declined and foreign tokens get byte-identical answers',
    async (action) => {
      const answers: Record<string, unknown> = {};
      for (const [reason, token] of Object.entries(tokens)) {
        answers[reason] = await inviteeCalls(app, keyOf[reason])[action](token);
      }
      const expected = {
        status: 404,
        type: 'application/problem+json; charset=utf-8',
        retryAfter: null,
        text: JSON.stringify({
          type: '/problems/invalid_token',
          title: 'invalid token',
          status: 404,
          code: 'invalid_token',
          detail: 'this invitation link is not valid',
        }),
        code: 'invalid_token',
      };
      expect(answers).toEqual(Object.fromEntries(Object.keys(tokens).map((reason) => [reason, expected])));
    },
  );

  test('an accepted link still says so: the host shows "already accepted"', async () => {
    const calls = inviteeCalls(app);
    expect((await calls.accept(accepted, 'u-late')).code).toBe('invitation_already_accepted');
    expect((await calls.decline(accepted)).code).toBe('invitation_already_accepted');
    const lookup = await calls.lookup(accepted);
    expect([lookup.status, JSON.parse(lookup.text).invitation.status]).toEqual([200, 'accepted']);
  });
});

describe('tries with tokens and codes that do not work are capped', () => {
  let app: TestInviteflow;
  let calls: ReturnType<typeof inviteeCalls>;
  let good: string;

  beforeAll(async () => {
    app = await startTestInviteflow({ JOIN_ATTEMPTS_PER_VISITOR: '3', JOIN_ATTEMPTS_PER_USER: '4' });
    expect((await app.call('PUT', '/v1/workspaces/capped', { name: 'Capped' })).status).toBe(201);
    good = (await invite(app, { workspace: 'capped', invitee: { email: 'good@example.org' } })).token;
    calls = inviteeCalls(app);
  });

  afterAll(async () => {
    await app?.stop();
  });

  const bad = (n: number) => `inv_guess${n}.${'B'.repeat(43)}`;

  function expectTooMany(answer: Awaited<ReturnType<typeof calls.lookup>>) {
    expect([answer.status, answer.type, answer.code]).toEqual([
      429,
      'application/problem+json; charset=utf-8',
      'too_many_attempts',
    ]);
    const retryAfter = Number(answer.retryAfter);
    expect(retryAfter).toBeGreaterThan(15 * 60 - 30);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
  }

  test("working tries are not counted, not even while they run: a host's backend sends many at once", async () => {
    const answers = await Promise.all(Array.from({ length: 12 }, () => calls.lookup(good, '198.51.100.1')));
    expect(answers.map((answer) => answer.status)).toEqual(Array.from({ length: 12 }, () => 200));
  });

  test('lookups: the 4th bad token from one visitor is a 429, and then even a good one; other visitors of the same host go on', async () => {
    const ip = '198.51.100.2';
    for (let n = 0; n < 3; n += 1) expect((await calls.lookup(bad(n), ip)).status).toBe(404);
    expectTooMany(await calls.lookup(bad(3), ip));
    expectTooMany(await calls.lookup(good, ip));
    expect((await calls.lookup(good, '198.51.100.3')).status).toBe(200);
  });

  test('declines: the 4th bad token from one visitor is a 429', async () => {
    const ip = '198.51.100.4';
    for (let n = 0; n < 3; n += 1) expect((await calls.decline(bad(n), ip)).status).toBe(404);
    expectTooMany(await calls.decline(good, ip));
  });

  test('accepts: the 5th bad token for one user is a 429 from any visitor', async () => {
    for (let n = 0; n < 4; n += 1) {
      expect((await calls.accept(bad(n), 'u-guesser', `198.51.100.${10 + n}`)).status).toBe(404);
    }
    expectTooMany(await calls.accept(good, 'u-guesser', '198.51.100.20'));
    // The invitation was not touched, and a fresh client still accepts it.
    expect((await calls.accept(good, 'u-good', '198.51.100.21')).status).toBe(200);
  });

  test('dead links answer like forged ones but do not count: old emails cannot lock a host out', async () => {
    const dead = await invite(app, { workspace: 'capped', invitee: { email: 'dead@example.org' } });
    expect((await app.call('POST', `/v1/workspaces/capped/invitations/${dead.id}/revoke`, {})).status).toBe(200);
    const ip = '198.51.100.40';
    for (let n = 0; n < 5; n += 1) {
      const answer = await calls.lookup(dead.token, ip);
      expect([answer.status, answer.code]).toEqual([404, 'invalid_token']);
    }
    expect((await calls.lookup(good, ip)).status).toBe(200);
  });

  test('code joins: the 4th wrong code from one visitor is a 429', async () => {
    const ip = '198.51.100.30';
    const join = (code: string, userId: string) =>
      app.call('POST', '/v1/join', { code, userId }, { 'inviteflow-forwarded-for': ip });
    for (let n = 0; n < 3; n += 1) expect((await join('WR0NG000', `u-join-${n}`)).status).toBe(404);
    const refused = await join('WR0NG000', 'u-join-3');
    expect([refused.status, refused.body.code]).toEqual([429, 'too_many_attempts']);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
