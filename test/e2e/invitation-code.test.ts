import { codeAlphabet } from '../../domain/invitation-code';
import { addWorkspaceKey } from '../support/api-keys';
import { startTestInviteflow, type TestInviteflow } from '../support/harness';
import { startWebhookReceiver, verifyWebhook, type WebhookReceiver } from '../support/webhook-receiver';
import { addWebhookEndpoint } from '../support/webhook-endpoint';

let app: TestInviteflow;
let hooks: WebhookReceiver;
let webhookSecret: string;

// High caps: these tests try many wrong codes from one address; the caps have their own deployment below.
const roomyCaps = {
  JOIN_ATTEMPTS_PER_VISITOR: '1000',
  JOIN_ATTEMPTS_PER_USER: '1000',
  JOIN_ATTEMPTS_PER_WORKSPACE: '5000',
  JOIN_ATTEMPTS_GLOBAL: '10000',
};

beforeAll(async () => {
  [app, hooks] = await Promise.all([startTestInviteflow(roomyCaps), startWebhookReceiver()]);
  ({ secret: webhookSecret } = await addWebhookEndpoint(app, hooks, { events: ['member.joined'] }));
});

afterAll(async () => {
  await app?.stop();
  await hooks?.close();
});

let workspaceCount = 0;

async function newWorkspace(settings: object = {}, on = app): Promise<string> {
  workspaceCount += 1;
  const id = `code-${workspaceCount}`;
  expect((await on.call('PUT', `/v1/workspaces/${id}`, { name: id, settings })).status).toBe(201);
  return id;
}

const codeOf = async (ws: string, on = app): Promise<string> =>
  String((await on.call('GET', `/v1/workspaces/${ws}/invitation-code`)).body.code);

const join = (code: string, userId: string, on = app, headers: Record<string, string> = {}) =>
  on.call('POST', '/v1/join', { code, userId }, headers);

/** Never generated (it has a 0) and never set by these tests. */
const wrongCode = 'WR0NG000';

test('every workspace has a code of 8 characters of the alphabet with a digit, the same on each read', async () => {
  const ws = await newWorkspace();
  const first = await app.call('GET', `/v1/workspaces/${ws}/invitation-code`);
  expect(first.status).toBe(200);
  expect(first.body).toEqual({
    workspaceId: ws,
    code: expect.stringMatching(new RegExp(`^[${codeAlphabet}]{8}$`)),
    disabled: false,
    expiresAt: null,
    maxUses: null,
    uses: 0,
    createdAt: expect.any(String),
  });
  expect(first.body.code).toMatch(/\d/);
  expect((await app.call('GET', `/v1/workspaces/${ws}/invitation-code`)).body).toEqual(first.body);

  const unknown = await app.call('GET', '/v1/workspaces/nowhere/invitation-code');
  expect([unknown.status, unknown.body.code]).toEqual([404, 'workspace_not_found']);
});

test('rotating makes a new code that joins; the old one is invalid_code; sent invitations are untouched', async () => {
  const ws = await newWorkspace();
  const old = await codeOf(ws);
  const invited = await app.call('POST', `/v1/workspaces/${ws}/invitations`, {
    invitee: { email: 'ana@example.org' },
    inviter: { userId: 'u-admin', roles: ['admin'] },
    send: false,
  });
  expect(invited.status).toBe(201);

  const rotated = await app.call('POST', `/v1/workspaces/${ws}/invitation-code/rotate`);
  expect(rotated.status).toBe(200);
  expect(rotated.body.code).not.toBe(old);
  expect(rotated.body.code).toMatch(new RegExp(`^(?=.*\\d)[${codeAlphabet}]{8}$`));
  expect(await codeOf(ws)).toBe(rotated.body.code);

  const refused = await join(old, 'u-late');
  expect([refused.status, refused.body.code]).toEqual([404, 'invalid_code']);
  expect((await join(rotated.body.code, 'u-early')).status).toBe(201);
  const invitation = await app.call('GET', `/v1/workspaces/${ws}/invitations/${invited.body.id}`);
  expect(invitation.body).toMatchObject({ status: 'registered', sendCount: 0 });
});

test('a custom code is read in any case and kept upper-case; a bad one is a 422 naming /code', async () => {
  const ws = await newWorkspace();
  const set = await app.call('PUT', `/v1/workspaces/${ws}/invitation-code`, { code: 'summer26' });
  expect(set.status).toBe(200);
  expect(set.body).toMatchObject({ workspaceId: ws, code: 'SUMMER26', uses: 0 });
  expect((await join('Summer26', 'u-mixed-case')).status).toBe(201);

  for (const code of ['SUMMER2', 'SUMMERXX', 'SUMMER-2']) {
    const refused = await app.call('PUT', `/v1/workspaces/${ws}/invitation-code`, { code });
    expect(refused.status).toBe(422);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(refused.body.code).toBe('validation_failed');
    expect(refused.body.errors.map((error: { field: string }) => error.field)).toContain('/code');
  }
  expect((await app.call('GET', `/v1/workspaces/${ws}/invitation-code`)).body.code).toBe('SUMMER26');

  // Codes are unique across workspaces.
  const other = await newWorkspace();
  const taken = await app.call('PUT', `/v1/workspaces/${other}/invitation-code`, { code: 'summer26' });
  expect(taken.status).toBe(422);
  expect(taken.body.errors).toEqual([{ field: '/code', message: expect.stringContaining('not available') }]);
});

test('joining makes an active member with codeJoinRole, counts the use and sends a signed member.joined', async () => {
  const ws = await newWorkspace({ roles: ['admin', 'member', 'champ'], codeJoinRole: 'champ' });
  const code = await codeOf(ws);

  const joined = await join(code, 'u-champ');
  expect(joined.status).toBe(201);
  const member = {
    workspaceId: ws,
    userId: 'u-champ',
    roles: ['champ'],
    groups: [],
    status: 'active',
    joinedVia: 'code',
    joinedAt: expect.any(String),
    expiresAt: null,
    sponsor: null,
  };
  expect(joined.body).toEqual({ member });
  expect((await app.call('GET', `/v1/workspaces/${ws}/members/u-champ`)).body).toEqual(joined.body.member);

  const hook = await hooks.waitFor((received) => {
    const body = JSON.parse(received.body);
    return body.type === 'member.joined' && body.data.member?.workspaceId === ws;
  });
  expect(verifyWebhook(hook, webhookSecret)).toMatchObject({
    type: 'member.joined',
    data: { member: { ...joined.body.member, joinedVia: 'code' } },
  });
  expect(hook.body).not.toContain(code);

  const again = await join(code, 'u-champ');
  expect([again.status, again.body.code]).toEqual([409, 'already_member']);
  expect((await app.call('GET', `/v1/workspaces/${ws}/invitation-code`)).body.uses).toBe(1);
});

test('disabled, expired, used-up, wrong and malformed codes all get the same answer', async () => {
  const codeWith = async (ws: string, settings: object) => {
    const answer = await app.call('PUT', `/v1/workspaces/${ws}/invitation-code`, settings);
    expect(answer.status).toBe(200);
    return answer.body.code as string;
  };
  const disabledWs = await newWorkspace();
  const disabled = await codeWith(disabledWs, { disabled: true });
  const expired = await codeWith(await newWorkspace(), { expiresAt: '2020-01-01T00:00:00Z' });
  const usedUp = await codeWith(await newWorkspace(), { maxUses: 1 });
  expect((await join(usedUp, 'u-first')).status).toBe(201);

  const answers = await Promise.all(
    [disabled, expired, usedUp, wrongCode, 'nope'].map(async (code) => {
      const answer = await join(code, 'u-hopeful');
      return { status: answer.status, type: answer.headers.get('content-type'), body: answer.body };
    }),
  );
  expect(answers[0]).toEqual({
    status: 404,
    type: expect.stringMatching(/^application\/problem\+json/),
    body: expect.objectContaining({ code: 'invalid_code', status: 404 }),
  });
  for (const answer of answers) expect(answer).toEqual(answers[0]);

  // Lifting a setting makes the code work again.
  expect(await codeWith(disabledWs, { disabled: false })).toBe(disabled);
  expect((await join(disabled, 'u-hopeful')).status).toBe(201);
});

test('the seat limit counts code joins: past it, 409 seat_limit_reached and the use is not counted', async () => {
  const ws = await newWorkspace({ seatLimit: 1 });
  const code = await codeOf(ws);
  expect((await join(code, 'u-seat-1')).status).toBe(201);
  const full = await join(code, 'u-seat-2');
  expect([full.status, full.body.code]).toEqual([409, 'seat_limit_reached']);
  expect((await app.call('GET', `/v1/workspaces/${ws}/invitation-code`)).body.uses).toBe(1);
  expect((await app.call('GET', `/v1/workspaces/${ws}/members`)).body.data).toHaveLength(1);
});

test("a workspace API key joins with its own workspace's code only", async () => {
  const [own, other] = [await newWorkspace(), await newWorkspace()];
  const key = await addWorkspaceKey(app, own);
  const asWorkspace = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  const joinAs = (code: string) =>
    fetch(`${app.apiUrl}/v1/join`, {
      method: 'POST',
      headers: asWorkspace,
      body: JSON.stringify({ code, userId: 'u-scoped' }),
    });

  const elsewhere = await joinAs(await codeOf(other));
  expect(elsewhere.status).toBe(404);
  expect(((await elsewhere.json()) as { code: string }).code).toBe('invalid_code');
  expect((await joinAs(await codeOf(own))).status).toBe(201);
});

test('an expiry that would not come back as sent is a 422, and the code stays readable', async () => {
  const ws = await newWorkspace();
  const path = `/v1/workspaces/${ws}/invitation-code`;
  const ancient = await app.call('PUT', path, { code: '00000000', expiresAt: '0020-02-29T00:00:00Z', maxUses: 1 });
  expect([ancient.status, ancient.body.code, ancient.body.errors[0].field]).toEqual([
    422,
    'validation_failed',
    '/expiresAt',
  ]);
  for (const [method, at] of [
    ['GET', path],
    ['POST', `${path}/rotate`],
  ] as const) {
    expect((await app.call(method, at)).status).toBe(200);
  }
});

describe('failed attempts are capped per visitor, per user, per workspace and in all, across API processes', () => {
  const caps = {
    JOIN_ATTEMPTS_PER_VISITOR: '3',
    JOIN_ATTEMPTS_PER_USER: '4',
    JOIN_ATTEMPTS_PER_WORKSPACE: '5',
    JOIN_ATTEMPTS_GLOBAL: '9',
  };
  let first: TestInviteflow;
  let second: TestInviteflow;
  let code: string;
  /** Keys of the code's workspace and of another one: each is a tenant of its own. */
  let ownKey: string;
  let otherKey: string;
  const visitors: string[] = [];
  const userIds: string[] = [];

  beforeAll(async () => {
    first = await startTestInviteflow(caps);
    second = await startTestInviteflow(caps, { sameDeploymentAs: first, worker: false });
    const ws = await newWorkspace({}, first);
    code = await codeOf(ws, first);
    ownKey = await addWorkspaceKey(first, ws);
    otherKey = await addWorkspaceKey(first, await newWorkspace({}, first));
  });

  afterAll(async () => {
    await second?.stop();
    await first?.stop();
  });

  /**
   * A try on behalf of `visitor`, forwarded by a host's backend that calls
   * from one address, on one process or the other, with the platform key
   * unless another is given.
   */
  function attempt(on: TestInviteflow, tried: string, userId: string, visitor: string, key?: string) {
    visitors.push(visitor);
    userIds.push(userId);
    return join(tried, userId, on, {
      'inviteflow-forwarded-for': visitor,
      ...(key && { authorization: `Bearer ${key}` }),
    });
  }

  function expectTooMany(answer: { status: number; headers: Headers; body: any }) {
    expect([answer.status, answer.body.code]).toEqual([429, 'too_many_attempts']);
    const retryAfter = Number(answer.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(15 * 60 - 30);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
  }

  test('per visitor: the 4th wrong try is a 429 with Retry-After, whichever process it reaches', async () => {
    const visitor = '198.51.100.1';
    for (const [index, on] of [first, second, first].entries()) {
      expect((await attempt(on, wrongCode, `u-visitor-${index}`, visitor)).status).toBe(404);
    }
    expectTooMany(await attempt(second, wrongCode, 'u-visitor-3', visitor));
    // Past the cap even the right code is refused, or the cap could be probed.
    expectTooMany(await attempt(first, code, 'u-visitor-4', visitor));
    // Another visitor behind the same backend is not refused for the first one's failures.
    expect((await attempt(second, code, 'u-visitor-5', '198.51.100.2')).status).toBe(201);
  });

  test('per user: the 5th try for one user is a 429 from any visitor', async () => {
    for (const [index, on] of [second, first, second, first].entries()) {
      expect((await attempt(on, wrongCode, 'u-many', `198.51.100.${10 + index}`, ownKey)).status).toBe(404);
    }
    expectTooMany(await attempt(second, code, 'u-many', '198.51.100.20', ownKey));
  });

  test("per workspace: past its cap the workspace's tries are refused, and other tenants' go on", async () => {
    // The workspace key has 4 failed tries: one more fills its window of 5.
    expect((await attempt(first, wrongCode, 'u-ws-1', '198.51.100.30', ownKey)).status).toBe(404);
    expectTooMany(await attempt(second, code, 'u-ws-2', '198.51.100.31', ownKey));
    expect((await attempt(second, code, 'u-ws-3', '198.51.100.31')).status).toBe(201);
  });

  test('in all: past the global cap, every client is refused', async () => {
    // 3 + 4 + 1 failed tries so far: one from another tenant fills the global window of 9.
    expect((await attempt(first, wrongCode, 'u-other', '203.0.113.1', otherKey)).status).toBe(404);
    expectTooMany(await attempt(first, code, 'u-fresh', '203.0.113.200'));
  });

  test('a forwarded address that is not one IP address is refused, naming the header', async () => {
    const answer = await attempt(first, code, 'u-header', '203.0.113.1, 10.0.0.1');
    expect([answer.status, answer.body.code, answer.body.errors]).toEqual([
      422,
      'validation_failed',
      [{ field: 'header.Inviteflow-Forwarded-For', message: expect.any(String) }],
    ]);
  });

  test('the attempt log holds keyed hashes of the clients, never a code, an address or a user id', async () => {
    const rows = await first.orm.em.fork().execute<Record<string, unknown>[]>('select * from join_attempts');
    // One entry per failed try for each of its visitor, its user, its tenant and the global count.
    expect(rows.filter((row) => row.kind === 'global')).toHaveLength(9);
    expect(rows).toHaveLength(36);
    expect(Object.keys(rows[0]!).sort()).toEqual(['at', 'id', 'key', 'kind']);
    const stored = JSON.stringify(rows).toLowerCase();
    for (const secret of [code, wrongCode, ...visitors, ...userIds]) expect(stored).not.toContain(secret.toLowerCase());
  });
});
