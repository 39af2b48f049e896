import { linkIn, startTestInviteflow, type TestInviteflow } from '../support/harness';

let app: TestInviteflow;
const inviter = { userId: 'u-admin', roles: ['admin'] };

beforeAll(async () => {
  app = await startTestInviteflow();
  for (const [id, seatLimit] of [
    ['two', 2],
    ['three', 3],
  ] as const) {
    expect((await app.call('PUT', `/v1/workspaces/${id}`, { name: id, settings: { seatLimit } })).status).toBe(201);
  }
});

afterAll(async () => {
  await app?.stop();
});

const invite = (workspace: string, email: string) =>
  app.call('POST', `/v1/workspaces/${workspace}/invitations`, { invitee: { email }, inviter });

test('members and open invitations take seats; ended invitations give theirs back', async () => {
  const ana = await invite('two', 'ana@example.org');
  const bo = await invite('two', 'bo@example.org');
  expect([ana.status, bo.status]).toEqual([201, 201]);

  const full = await invite('two', 'cy@example.org');
  expect(full.status).toBe(409);
  expect(full.body.code).toBe('seat_limit_reached');
  // Inviting someone who already holds a seat is not a new seat.
  expect((await invite('two', 'ana@example.org')).status).toBe(200);

  expect((await app.call('POST', `/v1/workspaces/two/invitations/${ana.body.id}/revoke`, {})).status).toBe(200);
  expect((await invite('two', 'cy@example.org')).status).toBe(201);

  // An accepted invitation becomes a member: the seat stays taken.
  const mail = await app.catcher.waitFor((m) => (m.messageId ?? '').includes(bo.body.id));
  const token = linkIn(mail.text).searchParams.get('token')!;
  expect((await app.call('POST', '/v1/invitations/accept', { token, userId: 'user-bo' })).status).toBe(200);
  expect((await invite('two', 'dee@example.org')).body.code).toBe('seat_limit_reached');
});

test('parallel invitations cannot overbook', async () => {
  const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => invite('three', `p${i}@example.org`)));
  expect(answers.filter((answer) => answer.status === 201)).toHaveLength(3);
  expect(answers.filter((answer) => answer.body.code === 'seat_limit_reached')).toHaveLength(7);
});

describe('what takes a seat back checks it', () => {
  const briefly = { invitationTtl: '2s', resendInterval: '0s' };

  beforeAll(async () => {
    for (const [id, settings] of [
      ['brief-one', { ...briefly, seatLimit: 1 }],
      ['brief-open', briefly],
      ['enable-one', { seatLimit: 1 }],
    ] as const) {
      expect((await app.call('PUT', `/v1/workspaces/${id}`, { name: id, settings })).status).toBe(201);
    }
  });

  async function expired(workspace: string, email: string): Promise<string> {
    const created = await invite(workspace, email);
    expect(created.status).toBe(201);
    for (let tries = 0; tries < 100; tries += 1) {
      const { body } = await app.call('GET', `/v1/workspaces/${workspace}/invitations/${created.body.id}`);
      if (body.status === 'expired') return String(created.body.id);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`invitation ${created.body.id} never expired`);
  }

  const resend = (workspace: string, id: string) =>
    app.call('POST', `/v1/workspaces/${workspace}/invitations/${id}/resend`, {});

  test('resending an expired invitation needs a free seat', async () => {
    const ana = await expired('brief-one', 'ana@example.org');
    const bo = await invite('brief-one', 'bo@example.org');
    expect(bo.status).toBe(201);
    const refused = await resend('brief-one', ana);
    expect([refused.status, refused.body.code]).toEqual([409, 'seat_limit_reached']);
    expect((await app.call('GET', `/v1/workspaces/brief-one/invitations/${ana}`)).body.status).toBe('expired');

    expect((await app.call('POST', `/v1/workspaces/brief-one/invitations/${bo.body.id}/revoke`, {})).status).toBe(200);
    const resent = await resend('brief-one', ana);
    expect([resent.status, resent.body.status]).toEqual([200, 'pending']);
  });

  test('resending an expired invitation of someone invited again since is a 409: one open invitation per person', async () => {
    const first = await expired('brief-open', 'cy@example.org');
    const second = await invite('brief-open', 'cy@example.org');
    expect(second.status).toBe(201);
    const refused = await resend('brief-open', first);
    expect([refused.status, refused.body.code]).toEqual([409, 'already_invited']);
    expect(refused.body.detail).toContain(second.body.id);
    const open = await app.call('GET', '/v1/workspaces/brief-open/invitations?status=pending');
    expect(open.body.data.map((invitation: { id: string }) => invitation.id)).toEqual([second.body.id]);
  });

  test('enabling a disabled member needs a free seat', async () => {
    const ana = await invite('enable-one', 'ana@example.org');
    const mail = await app.catcher.waitFor((m) => (m.messageId ?? '').includes(ana.body.id));
    const token = linkIn(mail.text).searchParams.get('token')!;
    expect((await app.call('POST', '/v1/invitations/accept', { token, userId: 'user-ana' })).status).toBe(200);
    const member = '/v1/workspaces/enable-one/members/user-ana';
    expect((await app.call('PATCH', member, { status: 'disabled' })).body.status).toBe('disabled');
    expect((await invite('enable-one', 'bo@example.org')).status).toBe(201);

    const refused = await app.call('PATCH', member, { status: 'active' });
    expect([refused.status, refused.body.code]).toEqual([409, 'seat_limit_reached']);
    expect((await app.call('GET', member)).body.status).toBe('disabled');
  });
});
