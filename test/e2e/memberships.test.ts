import { membershipWorkflowId } from '../../domain/membership';
import { startTestInviteflow, type TestInviteflow } from '../support/harness';
import { invite } from '../support/invite';
import { addWebhookEndpoint } from '../support/webhook-endpoint';
import { startWebhookReceiver, verifyWebhook, type WebhookReceiver } from '../support/webhook-receiver';
import { putWorkspaces } from '../support/workspaces';

let app: TestInviteflow;
let hooks: WebhookReceiver;
let webhookSecret: string;

const admin = { userId: 'u-admin', roles: ['admin'] };

beforeAll(async () => {
  [app, hooks] = await Promise.all([startTestInviteflow(), startWebhookReceiver()]);
  // Short ends, on the dev server's real clock: the run's timers are what is tested.
  await putWorkspaces(app, { guests: { membershipExpiryWarning: '2s' } });
  ({ secret: webhookSecret } = await addWebhookEndpoint(app, hooks));
});

afterAll(async () => {
  await app?.stop();
  await hooks?.close();
});

/** An invitation granting a membership that ends, accepted by `userId`. */
async function guest(userId: string, membership: Record<string, unknown>) {
  const { token } = await invite(app, {
    workspace: 'guests',
    invitee: { email: `${userId}@example.org` },
    body: { inviter: admin, membership },
  });
  const accepted = await app.call('POST', '/v1/invitations/accept', { token, userId });
  expect(accepted.status).toBe(200);
  return accepted.body.member as { expiresAt: string; sponsor: string };
}

const memberEvent = async (type: string, userId: string) =>
  verifyWebhook(
    await hooks.waitFor((hook) => {
      const payload = JSON.parse(hook.body);
      return payload.type === type && payload.data.member?.userId === userId;
    }, 20_000),
    webhookSecret,
  );

const statusOf = async (userId: string) =>
  (await app.call('GET', `/v1/workspaces/guests/members/${userId}`)).body.status as string;

test('a guest is warned before the end, then disabled at it, and the run is found by workspace and end', async () => {
  const acceptedAt = Date.now();
  const member = await guest('u-guest', { expiresIn: '4s', sponsor: 'u-host' });
  expect(member.sponsor).toBe('u-host');
  expect(Math.abs(Date.parse(member.expiresAt) - (acceptedAt + 4_000))).toBeLessThan(2_000);

  const run = app.client.workflow.getHandle(membershipWorkflowId('guests', 'u-guest'));
  const described = await run.describe();
  expect(described.status.name).toBe('RUNNING');
  expect(described.searchAttributes.WorkspaceId).toEqual(['guests']);
  expect(described.searchAttributes.MembershipExpiresAt).toEqual([new Date(member.expiresAt)]);

  const expiring = await memberEvent('member.expiring', 'u-guest');
  expect(expiring.data.member).toMatchObject({ status: 'active', expiresAt: member.expiresAt });
  expect(await statusOf('u-guest')).toBe('active');

  const expired = await memberEvent('member.expired', 'u-guest');
  expect(expired.data.member).toMatchObject({ status: 'disabled' });
  expect(await statusOf('u-guest')).toBe('disabled');
  await run.result();
}, 30_000);

test('PATCH expiresAt renews a membership: it does not end at the old time, and ends at the new one', async () => {
  await guest('u-renewed', { expiresIn: '3s' });
  const later = new Date(Date.now() + 6_000).toISOString();
  const renewed = await app.call('PATCH', '/v1/workspaces/guests/members/u-renewed', { expiresAt: later });
  expect(renewed.status).toBe(200);
  expect(renewed.body.expiresAt).toBe(later);

  await new Promise((resolve) => setTimeout(resolve, 4_000));
  expect(await statusOf('u-renewed')).toBe('active');
  await memberEvent('member.expired', 'u-renewed');
  expect(await statusOf('u-renewed')).toBe('disabled');
}, 30_000);

test('PATCH expiresAt in the past ends it now; null makes it last', async () => {
  await guest('u-ended', { expiresAt: new Date(Date.now() + 60_000).toISOString() });
  await app.call('PATCH', '/v1/workspaces/guests/members/u-ended', { expiresAt: new Date().toISOString() });
  await memberEvent('member.expired', 'u-ended');
  expect(await statusOf('u-ended')).toBe('disabled');

  await guest('u-kept', { expiresIn: '3s' });
  const kept = await app.call('PATCH', '/v1/workspaces/guests/members/u-kept', { expiresAt: null });
  expect(kept.body.expiresAt).toBeNull();
  await app.client.workflow.getHandle(membershipWorkflowId('guests', 'u-kept')).result();
  await new Promise((resolve) => setTimeout(resolve, 3_500));
  expect(await statusOf('u-kept')).toBe('active');
}, 30_000);

test('membership terms are validated: exactly one of expiresIn or expiresAt', async () => {
  for (const membership of [{}, { expiresIn: '3d', expiresAt: new Date().toISOString() }, { expiresIn: 'forever' }]) {
    const refused = await app.call('POST', '/v1/workspaces/guests/invitations', {
      invitee: { email: 'terms@example.org' },
      inviter: admin,
      membership,
    });
    expect(refused.status).toBe(422);
    expect(refused.body.errors[0].field).toMatch(/^\/membership/);
  }
});
