import { runInvitations } from '../../bin/invitations-cli';
import { runWebhooks } from '../../bin/webhooks-cli';
import { freePort } from '../../embedded/free-port';
import { startTestInviteflow, type TestInviteflow } from '../support/harness';
import { invite } from '../support/invite';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';
import { addWebhookEndpoint } from '../support/webhook-endpoint';
import { settledDelivery } from '../support/webhooks';
import { capturedStream } from '../support/captured-stream';

let app: TestInviteflow;
let hooks: WebhookReceiver;
let endpointId: string;

beforeAll(async () => {
  [app, hooks] = await Promise.all([startTestInviteflow(), startWebhookReceiver()]);
  const workspace = await app.call('PUT', '/v1/workspaces/acme', { name: 'Acme', settings: { resendInterval: '0s' } });
  expect(workspace.status).toBe(201);
  ({ id: endpointId } = await addWebhookEndpoint(app, hooks, { events: ['invitation.sent'] }));
});

afterAll(async () => {
  await app?.stop();
  await hooks?.close();
});

async function inviteflow(run: typeof runInvitations, args: string[], connection = ['--api', app.apiUrl]) {
  const stdout = capturedStream();
  const stderr = capturedStream();
  // The key comes from the environment, as an operator's shell would set it.
  const code = await run([...args, ...connection], {
    stdout: stdout.stream,
    stderr: stderr.stream,
    env: { INVITEFLOW_API_KEY: app.apiKey },
  });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

const invitations = (args: string[]) => inviteflow(runInvitations, args);
const webhooks = (args: string[]) => inviteflow(runWebhooks, args);

/** An invitation once its email is out: the CLI then shows it sent. */
const invited = async (email: string) =>
  (await invite(app, { workspace: 'acme', invitee: { email }, tokenFrom: 'email' })).id;

test('list shows the workspace invitations as a table, or the API page as --json', async () => {
  const ana = await invited('ana@example.org');
  const ben = await invited('ben@example.org');

  const listed = await invitations(['list', '--workspace', 'acme']);
  expect(listed).toMatchObject({ code: 0, stderr: '' });
  expect(listed.stdout).toMatch(
    /│ id\s+│ status\s+│ channels\s+│ invitee\s+│ sendCount\s+│ createdAt\s+│ expiresAt\s+│/,
  );
  expect(listed.stdout).toMatch(new RegExp(`│ ${ana}\\s+│ pending\\s+│ email\\s+│ ana@example\\.org\\s+│ 1\\s+│`));
  expect(listed.stdout).toMatch(new RegExp(`│ ${ben}\\s+│ pending\\s+│ email\\s+│ ben@example\\.org\\s+│ 1\\s+│`));

  const firstOnly = await invitations(['list', '--workspace', 'acme', '--limit', '1', '--json']);
  expect(firstOnly.code).toBe(0);
  const page = JSON.parse(firstOnly.stdout);
  expect(page.data.map((invitation: { id: string }) => invitation.id)).toEqual([ben]);
  expect(page.nextCursor).toEqual(expect.any(String));

  const next = await invitations(['list', '--workspace', 'acme', '--limit', '1', '--cursor', page.nextCursor]);
  expect(next.stdout).toContain(ana);
  expect(next.stdout).not.toContain(ben);

  const revokedOnly = await invitations(['list', '--workspace', 'acme', '--status', 'revoked']);
  expect(revokedOnly.stdout).not.toContain(ana);

  // Support's first question: which invitation is this person's? Email case does not matter.
  const hers = await invitations(['list', '--workspace', 'acme', '--email', 'ANA@Example.org', '--json']);
  expect(JSON.parse(hers.stdout).data.map((invitation: { id: string }) => invitation.id)).toEqual([ana]);
  const byPhone = await invite(app, {
    workspace: 'acme',
    invitee: { email: 'cem@example.org', phone: '+33 6 12 34 56 78', phoneConsent: true },
  });
  const his = await invitations(['list', '--workspace', 'acme', '--phone', '+33612345678', '--json']);
  expect(JSON.parse(his.stdout).data.map((invitation: { id: string }) => invitation.id)).toEqual([byPhone.id]);
  const national = await app.call(
    'GET',
    '/v1/workspaces/acme/invitations?phone=06%2012%2034%2056%2078&phoneCountry=FR',
  );
  expect(national.body.data.map((invitation: { id: string }) => invitation.id)).toEqual([byPhone.id]);
  const bad = await invitations(['list', '--workspace', 'acme', '--phone', '12']);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toContain('phone');
});

test('show prints the invitation, its events and where its run is in the Temporal UI', async () => {
  const id = await invited('cleo@example.org');
  const shown = await invitations(['show', '--workspace', 'acme', id]);
  expect(shown).toMatchObject({ code: 0, stderr: '' });
  expect(shown.stdout).toMatch(/│ status\s+│ pending\s+│/);
  expect(shown.stdout).toMatch(/│ email\s+│ cleo@example\.org\s+│/);
  expect(shown.stdout).toMatch(/│ seq\s+│ type\s+│ at\s+│ by\s+│ detail\s+│/);
  expect(shown.stdout).toMatch(/│ 1\s+│ created\s+│ \S+\s+│ u-admin\s+│/);
  expect(shown.stdout).toMatch(/│ 2\s+│ sent\s+│/);
  expect(shown.stdout).toContain(
    `Temporal workflow invitation-${id}: http://localhost:8233/namespaces/default/workflows/invitation-${id}`,
  );

  const json = await invitations(['show', '--workspace', 'acme', id, '--json']);
  expect(JSON.parse(json.stdout)).toMatchObject({
    id,
    status: 'pending',
    events: [{ seq: 1, type: 'created' }, { seq: 2 }],
  });
});

test('resend sends the email again and counts it; revoke revokes', async () => {
  const id = await invited('dora@example.org');
  const first = await app.catcher.waitFor((mail) => mail.to.includes('dora@example.org'));

  const resent = await invitations(['resend', '--workspace', 'acme', id, '--by', 'u-support']);
  expect(resent).toMatchObject({ code: 0, stderr: '' });
  expect(resent.stdout).toMatch(/│ sendCount\s+│ 2\s+│/);
  await app.catcher.waitFor((mail) => mail.to.includes('dora@example.org') && mail !== first);
  const history = await invitations(['show', '--workspace', 'acme', id]);
  expect(history.stdout).toMatch(/│ 3\s+│ resent\s+│ \S+\s+│ u-support\s+│/);

  const revoked = await invitations(['revoke', '--workspace', 'acme', id, '--json']);
  expect(revoked.code).toBe(0);
  expect(JSON.parse(revoked.stdout)).toMatchObject({ id, status: 'revoked' });
  const listed = await invitations(['list', '--workspace', 'acme', '--status', 'revoked']);
  expect(listed.stdout).toMatch(new RegExp(`│ ${id}\\s+│ revoked\\s+│`));
});

test('an API refusal exits 1 with the problem code and detail on stderr', async () => {
  const unknown = await invitations(['show', '--workspace', 'acme', 'inv_nope']);
  expect(unknown.code).toBe(1);
  expect(unknown.stdout).toBe('');
  expect(unknown.stderr).toMatch(/^inviteflow invitations show: invitation_not_found: .+ \(HTTP 404\)\n$/);

  const wrongKey = await inviteflow(
    runInvitations,
    ['list', '--workspace', 'acme'],
    ['--api', app.apiUrl, '--key', 'nope'],
  );
  expect(wrongKey.code).toBe(1);
  expect(wrongKey.stderr).toContain('unauthorized');

  // A port nothing listens on.
  const nowhere = `http://127.0.0.1:${await freePort()}`;
  const unreachable = await inviteflow(runWebhooks, ['endpoints'], ['--api', nowhere]);
  expect(unreachable.code).toBe(1);
  expect(unreachable.stderr).toBe(
    `inviteflow webhooks endpoints: cannot reach the API at ${nowhere}: connect ECONNREFUSED ${nowhere.slice(7)}\n`,
  );
});

test('bad usage exits 2 with the reason and the usage; --help exits 0', async () => {
  const noWorkspace = await invitations(['list']);
  expect(noWorkspace.code).toBe(2);
  expect(noWorkspace.stderr).toMatch(/^inviteflow invitations list: --workspace: is required\n/);
  expect(noWorkspace.stderr).toContain('usage: inviteflow invitations list --workspace W');

  const badStatus = await invitations(['list', '--workspace', 'acme', '--status', 'lost']);
  expect(badStatus.code).toBe(2);
  expect(badStatus.stderr).toMatch(/^inviteflow invitations list: --status: /);

  const noId = await invitations(['show', '--workspace', 'acme']);
  expect(noId.code).toBe(2);
  expect(noId.stderr).toContain('missing ID');

  const unknownOption = await invitations(['show', '--workspace', 'acme', '--status', 'pending', 'inv_x']);
  expect(unknownOption.code).toBe(2);

  const unknownCommand = await invitations(['delete']);
  expect(unknownCommand.code).toBe(2);
  expect(unknownCommand.stderr).toContain('no command "delete"');
  expect(unknownCommand.stderr).toContain('usage: inviteflow invitations <command>');

  const both = await webhooks(['replay', endpointId, 'msg_x', '--since', new Date().toISOString()]);
  expect(both.code).toBe(2);
  const badSince = await webhooks(['replay', endpointId, '--since', 'yesterday']);
  expect(badSince.code).toBe(2);
  expect(badSince.stderr).toMatch(/--since: /);

  const help = await invitations(['resend', '--help']);
  expect(help).toMatchObject({ code: 0, stderr: '' });
  expect(help.stdout).toMatch(/^usage: inviteflow invitations resend/);
  expect((await webhooks(['--help'])).stdout).toMatch(/^usage: inviteflow webhooks <command>/);
});

test('webhooks deliveries lists what an endpoint was sent, with its attempts; replay sends it again', async () => {
  const id = await invited('emil@example.org');
  const hook = await hooks.waitFor((received) => JSON.parse(received.body).data.invitation?.id === id);
  const deliveryId = String(hook.headers['webhook-id']);
  await settledDelivery(app.orm, deliveryId);

  const endpoints = await webhooks(['endpoints']);
  expect(endpoints.stdout).toMatch(
    new RegExp(`│ ${endpointId}\\s+│ ${hooks.url.replaceAll('.', '\\.')}\\s+│ invitation\\.sent\\s+│`),
  );

  const listed = await webhooks(['deliveries', endpointId, '--status', 'delivered', '--attempts']);
  expect(listed).toMatchObject({ code: 0, stderr: '' });
  expect(listed.stdout).toMatch(
    /│ id\s+│ eventType\s+│ status\s+│ attempts\s+│ last code\s+│ createdAt\s+│ deliveredAt\s+│/,
  );
  expect(listed.stdout).toMatch(
    new RegExp(`│ ${deliveryId}\\s+│ invitation\\.sent\\s+│ delivered\\s+│ 1\\s+│ 204\\s+│`),
  );
  expect(listed.stdout).toMatch(new RegExp(`Attempts of ${deliveryId}:\\n(.*\\n)*│ \\S+\\s+│ 204\\s+│ \\d+ ms\\s+│`));

  const replayed = await webhooks(['replay', endpointId, deliveryId]);
  expect(replayed).toMatchObject({ code: 0, stderr: '' });
  expect(replayed.stdout).toContain(`Replaying ${deliveryId} (invitation.sent)`);
  await settledDelivery(app.orm, deliveryId);
  const sameId = hooks.received.filter((received) => received.headers['webhook-id'] === deliveryId);
  expect(sameId).toHaveLength(2);
  expect(sameId[1]!.body).toBe(sameId[0]!.body);

  const json = await webhooks(['deliveries', endpointId, '--json']);
  const delivery = JSON.parse(json.stdout).data.find((row: { id: string }) => row.id === deliveryId);
  expect(delivery).toMatchObject({ status: 'delivered', attemptCount: 2 });

  const sinceNow = await webhooks(['replay', endpointId, '--since', new Date(Date.now() - 60_000).toISOString()]);
  expect(sinceNow).toMatchObject({ code: 0, stderr: '' });
  expect(sinceNow.stdout).toMatch(/^Replaying 0 failed deliveries created since /);

  const unknown = await webhooks(['replay', endpointId, 'msg_nope']);
  expect(unknown.code).toBe(1);
  expect(unknown.stderr).toContain('webhook_delivery_not_found');
});
