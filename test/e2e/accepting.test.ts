import { startTestInviteflow, type TestInviteflow } from '../support/harness';
import { invite } from '../support/invite';

let app: TestInviteflow;

beforeAll(async () => {
  app = await startTestInviteflow();
  expect((await app.call('PUT', '/v1/workspaces/open', { name: 'Open' })).status).toBe(201);
  const strict = await app.call('PUT', '/v1/workspaces/strict', {
    name: 'Strict',
    settings: { requireEmailMatch: true },
  });
  expect(strict.status).toBe(201);
});

afterAll(async () => {
  await app?.stop();
});

/** An emailed invitation, with the token from the email. */
const invited = (workspace: string, invitee: Record<string, string>) =>
  invite(app, { workspace, invitee, tokenFrom: 'email' });

const accept = (body: Record<string, string>) => app.call('POST', '/v1/invitations/accept', body);

test('an invitation for a known account is that account’s alone', async () => {
  const { token } = await invited('open', { email: 'kim@example.org', userId: 'user-kim' });
  const wrong = await accept({ token, userId: 'user-eve' });
  expect(wrong.status).toBe(403);
  expect(wrong.body.code).toBe('wrong_account');
  expect(wrong.body.errors).toEqual([{ field: '/userId', message: 'this invitation was made for another account' }]);
  expect((await accept({ token, userId: 'user-kim' })).status).toBe(200);
});

test('an invitation for a known account is that account’s to decline too: a forwarded link cannot end it', async () => {
  const { id, token } = await invited('open', { email: 'dee@example.org', userId: 'user-dee' });
  const decline = (body: Record<string, string>) => app.call('POST', '/v1/invitations/decline', { token, ...body });
  for (const body of [{}, { userId: 'user-eve' }] as Record<string, string>[]) {
    const refused = await decline(body);
    expect([refused.status, refused.body.code]).toEqual([403, 'wrong_account']);
  }
  expect((await app.call('GET', `/v1/workspaces/open/invitations/${id}`)).body.status).toBe('pending');
  const declined = await decline({ userId: 'user-dee' });
  expect([declined.status, declined.body.invitation.events.at(-1)]).toEqual([
    200,
    expect.objectContaining({ type: 'declined', by: 'user-dee' }),
  ]);
});

test('with requireEmailMatch, only the verified invited address accepts; a refusal leaves the link usable', async () => {
  const { id, token } = await invited('strict', { email: 'Lea@Example.org' });
  expect((await accept({ token, userId: 'user-lea' })).body.code).toBe('email_mismatch');
  const other = await accept({ token, userId: 'user-lea', email: 'someone@example.org' });
  expect(other.status).toBe(403);
  expect(other.body.code).toBe('email_mismatch');
  expect((await app.call('GET', `/v1/workspaces/strict/invitations/${id}`)).body.status).toBe('pending');

  const right = await accept({ token, userId: 'user-lea', email: 'lea@example.ORG' });
  expect(right.status).toBe(200);
  expect(right.body.invitation.status).toBe('accepted');
});

test('a user who is already a member cannot accept a second invitation', async () => {
  const first = await invited('open', { email: 'max@example.org' });
  expect((await accept({ token: first.token, userId: 'user-max' })).status).toBe(200);
  const second = await invited('open', { email: 'max.other@example.org' });
  const refused = await accept({ token: second.token, userId: 'user-max' });
  expect(refused.status).toBe(409);
  expect(refused.body.code).toBe('already_member');
  // The first acceptance, repeated, is still answered as before.
  expect((await accept({ token: first.token, userId: 'user-max' })).status).toBe(200);
});

test('20 parallel accepts of one invitation make exactly one member', async () => {
  const { id, token } = await invited('open', { email: 'crowd@example.org' });
  const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => accept({ token, userId: `user-crowd-${i}` })));
  const winners = answers.filter((answer) => answer.status === 200);
  expect(winners).toHaveLength(1);
  expect(answers.filter((answer) => answer.body.code === 'invitation_already_accepted')).toHaveLength(19);
  const members = await app.call('GET', '/v1/workspaces/open/members?limit=200');
  const joined = members.body.data.filter((member: { userId: string }) => member.userId.startsWith('user-crowd-'));
  expect(joined).toEqual([expect.objectContaining({ userId: winners[0]!.body.invitation.acceptedBy })]);
  expect((await app.call('GET', `/v1/workspaces/open/invitations/${id}`)).body.status).toBe('accepted');
});
