import { startTestInviteflow, type TestInviteflow } from '../support/harness';
import { invite, tokenFromEmail } from '../support/invite';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';
import { addWebhookEndpoint } from '../support/webhook-endpoint';

/** Everything inviteflow logs during the scenario, API and Temporal SDK alike, at debug. */
let logs = '';
let app: TestInviteflow;
let hooks: WebhookReceiver;

beforeAll(async () => {
  hooks = await startWebhookReceiver();
  app = await startTestInviteflow(
    { LOG_LEVEL: 'debug' },
    {
      logStream: {
        write: (line: string) => {
          logs += line;
        },
      },
    },
  );
});

afterAll(async () => {
  await app?.stop();
  await hooks?.close();
});

const inviter = { userId: 'u-admin', roles: ['admin'], name: 'Wilhelmina Inviter' };
const invitee = { email: 'lucia.fernandez@example.org', phone: '+34 612 34 56 78', name: 'Lucía Fernández' };
const other = { email: 'otto.other@example.org', name: 'Otto Otherperson' };

test('a whole scenario logs no token, key, secret or personal data', async () => {
  expect(
    (await app.call('PUT', '/v1/workspaces/hygiene', { name: 'Hygiene', settings: { resendInterval: '0s' } })).status,
  ).toBe(201);
  const { secret: webhookSecret } = await addWebhookEndpoint(app, hooks);

  const { id, token } = await invite(app, {
    workspace: 'hygiene',
    invitee: { ...invitee, phoneConsent: true },
    body: { roles: ['member'], inviter },
    tokenFrom: 'email',
  });
  expect((await app.call('GET', `/v1/invitations/lookup?token=${encodeURIComponent(token)}`)).status).toBe(200);
  // A bad request carrying the token in its query and an invalid body.
  expect((await app.call('POST', `/v1/invitations/accept?token=${encodeURIComponent(token)}`, {})).status).toBe(422);
  expect((await app.call('POST', '/v1/invitations/accept', { token, userId: 'user-lucia' })).status).toBe(200);
  await hooks.invitationEvent(webhookSecret, id, 'invitation.accepted');

  // From its email too: the scenario whose logs are checked makes no `.../link` call.
  const second = await invite(app, {
    workspace: 'hygiene',
    invitee: other,
    body: { roles: ['member'], inviter },
    tokenFrom: 'email',
  });
  const actions = `/v1/workspaces/hygiene/invitations/${second.id}`;
  expect((await app.call('POST', `${actions}/resend`, { by: 'u-admin' })).status).toBe(200);
  const resentToken = await tokenFromEmail(app, second.id, 2);
  expect((await app.call('POST', `${actions}/revoke`, { by: 'u-admin' })).status).toBe(200);
  await hooks.invitationEvent(webhookSecret, second.id, 'invitation.revoked');

  const code = (await app.call('GET', '/v1/workspaces/hygiene/invitation-code')).body.code as string;
  expect((await app.call('POST', '/v1/join', { code, userId: 'user-joiner' })).status).toBe(201);

  // The capture saw the scenario, Temporal's activities included: its silence below means something.
  expect(logs).toContain('"req":{"id"');
  expect(logs).toContain('Activity completed');
  for (const secret of [
    invitee.email,
    invitee.phone,
    '+34612345678',
    invitee.name,
    other.email,
    other.name,
    inviter.name,
    token,
    resentToken,
    app.apiKey,
    webhookSecret,
    app.secret,
  ]) {
    expect({ secret, logged: logs.includes(secret) }).toEqual({ secret, logged: false });
  }
});
