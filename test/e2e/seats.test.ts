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
