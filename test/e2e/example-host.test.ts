import type { Server } from 'node:http';
import { InviteflowClient } from 'inviteflow/client';
import { freePort } from '../../embedded/free-port';
import { createHostApp, type Host } from '../../examples/host-backend';
import { linkIn, startTestInviteflow, type TestInviteflow } from '../support/harness';

let inviteflow: TestInviteflow;
let host: Host;
let hostUrl = '';
let server: Server | undefined;
const ws = 'host-acme';

beforeAll(async () => {
  const [started, port] = await Promise.all([startTestInviteflow(), freePort()]);
  inviteflow = started;
  hostUrl = `http://127.0.0.1:${port}`;
  // What the platform's operator does once: a workspace, and an endpoint for the host's webhooks.
  const operator = new InviteflowClient({ baseUrl: inviteflow.apiUrl, apiKey: inviteflow.apiKey });
  await operator.workspaces.put(ws, { name: 'Acme' });
  const endpoint = await operator.webhookEndpoints.create({
    url: `${hostUrl}/webhooks/inviteflow`,
    workspaceId: ws,
    events: ['invitation.accepted', 'member.joined'],
  });
  host = createHostApp({ inviteflowUrl: inviteflow.apiUrl, apiKey: inviteflow.apiKey, webhookSecret: endpoint.secret });
  await new Promise<void>((resolve) => {
    server = host.app.listen(port, '127.0.0.1', () => resolve());
  });
});

afterAll(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  await inviteflow?.stop();
});

/** Waits until `condition` holds, asking again every 100 ms. */
async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`not true within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${hostUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

test('a teammate invited by the host signs up with the emailed link, and the host hears it by verified webhooks', async () => {
  const invited = await post(
    `/workspaces/${ws}/teammates`,
    { email: 'dana@example.org', name: 'Dana' },
    {
      'x-user-id': 'u-admin',
    },
  );
  expect(invited.status).toBe(201);
  const { invitationId } = (await invited.json()) as { invitationId: string };

  const mail = await inviteflow.catcher.waitFor((m) => (m.messageId ?? '').includes(invitationId));
  const token = linkIn(mail.text).searchParams.get('token')!;
  const signedUp = await post('/signup', { email: 'dana@example.org', token });
  expect(signedUp.status).toBe(201);
  const { userId, workspaceId } = (await signedUp.json()) as { userId: string; workspaceId: string };
  expect(workspaceId).toBe(ws);
  expect(host.users.map((user) => user.id)).toEqual([userId]);

  await until(() => host.events.length >= 2);
  expect(host.events.map((event) => event.type).sort()).toEqual(['invitation.accepted', 'member.joined']);
  const joined = host.events.find((event) => event.type === 'member.joined');
  expect(joined?.type === 'member.joined' && joined.data.member).toMatchObject({ userId, workspaceId: ws });
  const accepted = host.events.find((event) => event.type === 'invitation.accepted');
  expect(accepted?.type === 'invitation.accepted' && accepted.data.invitation).toMatchObject({
    id: invitationId,
    acceptedBy: userId,
  });

  // The same link cannot let a second account in: the host passes inviteflow's refusal on.
  const second = await post('/signup', { email: 'mallory@example.org', token });
  expect(second.status).toBe(409);
  expect(await second.json()).toMatchObject({ error: 'invitation_already_accepted' });
});

test('the host refuses a webhook whose signature does not verify, and keeps nothing of it', async () => {
  const before = host.events.length;
  const forged = await fetch(`${hostUrl}/webhooks/inviteflow`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'webhook-id': 'msg_forged',
      'webhook-timestamp': String(Math.floor(Date.now() / 1000)),
      'webhook-signature': 'v1,Zm9yZ2Vk',
    },
    body: JSON.stringify({ type: 'member.removed', timestamp: new Date().toISOString(), data: {} }),
  });
  expect(forged.status).toBe(400);
  expect(await forged.json()).toEqual({ error: 'bad_signature' });
  expect(host.events).toHaveLength(before);
});
