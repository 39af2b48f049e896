import type { Payload } from '@temporalio/common';
import { invitationWorkflowId } from '../../domain/invitation';
import { EncryptionCodec, payloadKeys } from '../../runtime/payload-codec';
import { historyToJson } from '../replay/history-json';
import { startTestInviteflow, type TestInviteflow } from '../support/harness';
import { tokenFromEmail, invite } from '../support/invite';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';
import { addWebhookEndpoint } from '../support/webhook-endpoint';

let logs = '';
let app: TestInviteflow;
let hooks: WebhookReceiver;

beforeAll(async () => {
  hooks = await startWebhookReceiver();
  app = await startTestInviteflow({ LOG_LEVEL: 'debug' }, { logStream: { write: (line: string) => (logs += line) } });
});

afterAll(async () => {
  await app?.stop();
  await hooks?.close();
});

const tokenOf = (url: string) => new URL(url).searchParams.get('token')!;

/** Every invitation and webhook delivery run of this deployment, waiting until visibility lists `expected`. */
async function workflowIdsOfTaskQueue(expected: string[]): Promise<string[]> {
  for (let tries = 0; ; tries += 1) {
    const ids: string[] = [];
    for await (const run of app.client.workflow.list({ query: `TaskQueue = "${app.taskQueue}"` }))
      ids.push(run.workflowId);
    if (expected.every((id) => ids.includes(id)) || tries === 50) return ids;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The payloads of a history in its JSON form: objects with a base64 `metadata.encoding`. */
function payloadsOf(value: unknown, into: Payload[] = []): Payload[] {
  if (Array.isArray(value)) for (const item of value) payloadsOf(item, into);
  else if (value && typeof value === 'object') {
    const { metadata, data } = value as { metadata?: Record<string, unknown>; data?: unknown };
    if (typeof metadata?.encoding === 'string') {
      into.push({
        metadata: Object.fromEntries(Object.entries(metadata).map(([k, v]) => [k, Buffer.from(String(v), 'base64')])),
        data: Buffer.from(typeof data === 'string' ? data : '', 'base64'),
      });
    } else for (const item of Object.values(value)) payloadsOf(item, into);
  }
  return into;
}

/** Every string of a JSON value, and each read as base64 too (how histories write bytes). */
function textsOf(value: unknown, into: string[] = []): string[] {
  if (typeof value === 'string') into.push(value, Buffer.from(value, 'base64').toString('latin1'));
  else if (Array.isArray(value)) for (const item of value) textsOf(item, into);
  else if (value && typeof value === 'object') for (const item of Object.values(value)) textsOf(item, into);
  return into;
}

describe('after a run through every way a token travels', () => {
  const tokens = new Set<string>();
  const invitationIds: string[] = [];

  beforeAll(async () => {
    const workspace = { name: 'Vault', settings: { resendInterval: '0s', channels: ['email', 'sms'] } };
    expect((await app.call('PUT', '/v1/workspaces/vault', workspace)).status).toBe(201);
    await addWebhookEndpoint(app, hooks);

    // Emailed and texted, looked up, refused once for a bad body, then accepted.
    const accepted = await invite(app, {
      workspace: 'vault',
      invitee: { email: 'acc@example.org', phone: '+34 612 34 56 78', phoneConsent: true },
      body: { channels: ['email', 'sms'] },
      tokenFrom: 'email',
    });
    const { token } = accepted;
    const sms = await app.sms.waitFor((message) => message.statusCallback?.includes(accepted.id) === true);
    tokens.add(token).add(tokenOf(/https?:\/\/\S+token=\S+/.exec(sms.body)![0]));
    const lookup = `/v1/invitations/lookup?token=${encodeURIComponent(token)}`;
    expect((await app.call('GET', lookup)).status).toBe(200);
    expect((await app.call('POST', '/v1/invitations/accept', { token })).status).toBe(422);
    expect((await app.call('POST', '/v1/invitations/accept', { token, userId: 'user-acc' })).status).toBe(200);
    expect((await app.call('POST', '/v1/invitations/decline', { token })).status).toBe(409);

    // Resent (the same link again), then declined.
    const declined = await invite(app, {
      workspace: 'vault',
      invitee: { email: 'dec@example.org' },
      body: { channels: ['email'] },
      tokenFrom: 'email',
    });
    tokens.add(declined.token);
    expect((await app.call('POST', `/v1/workspaces/vault/invitations/${declined.id}/resend`, {})).status).toBe(200);
    const resent = await tokenFromEmail(app, declined.id, 2);
    tokens.add(resent);
    expect((await app.call('POST', '/v1/invitations/decline', { token: resent })).status).toBe(200);

    // Copied as a link, then revoked; its dead link tried once more.
    const revoked = await invite(app, {
      workspace: 'vault',
      invitee: { email: 'rev@example.org' },
      body: { channels: ['email'] },
    });
    tokens.add(revoked.token);
    expect((await app.call('POST', `/v1/workspaces/vault/invitations/${revoked.id}/revoke`, {})).status).toBe(200);
    expect((await app.call('POST', '/v1/invitations/accept', { token: revoked.token, userId: 'u' })).status).toBe(404);

    invitationIds.push(accepted.id, declined.id, revoked.id);
    // One token per invitation, the same through every channel and send.
    expect(tokens.size).toBe(3);
    for (const id of invitationIds) await app.client.workflow.getHandle(invitationWorkflowId(id)).result();
    for (const type of ['invitation.accepted', 'invitation.declined', 'invitation.revoked']) {
      await hooks.waitFor((hook) => hook.body.includes(`"${type}"`));
    }
  });

  /** Each token, its MAC alone, and the MAC's bytes written as base64 and hex. */
  const forms = () =>
    [...tokens].flatMap((token) => {
      const mac = token.slice(token.lastIndexOf('.') + 1);
      const bytes = Buffer.from(mac, 'base64url');
      expect(bytes).toHaveLength(32);
      return [token, mac, bytes.toString('base64'), bytes.toString('hex')];
    });

  const found = (texts: string[]) => forms().filter((form) => texts.some((text) => text.includes(form)));

  test('no table of PostgreSQL holds one', async () => {
    const em = app.orm.em.fork();
    const tables = await em.execute<{ table_schema: string; table_name: string }[]>(
      `select table_schema, table_name from information_schema.tables
       where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')`,
    );
    const names = tables.map((table) => table.table_name);
    expect(names).toEqual(expect.arrayContaining(['invitations', 'invitation_events', 'webhook_deliveries']));
    const rows: string[] = [];
    for (const { table_schema: schema, table_name: table } of tables) {
      const dumped = await em.execute<{ row: string }[]>(
        `select row_to_json(t)::text as row from "${schema}"."${table}" t`,
      );
      rows.push(...dumped.map(({ row }) => row));
    }
    // The dump saw the scenario: every invitation is in it.
    for (const id of invitationIds) expect(rows.some((row) => row.includes(id))).toBe(true);
    expect(found(rows)).toEqual([]);
  });

  test('no Temporal history of the task queue holds one, encrypted or decrypted', async () => {
    const expected = invitationIds.map(invitationWorkflowId);
    const workflowIds = await workflowIdsOfTaskQueue(expected);
    expect(workflowIds).toEqual(expect.arrayContaining(expected));
    // Webhook deliveries run there too.
    expect(workflowIds.length).toBeGreaterThan(expected.length);
    const codec = new EncryptionCodec(payloadKeys(app.secret));
    const raw: string[] = [];
    const decrypted: string[] = [];
    for (const workflowId of workflowIds) {
      const history = historyToJson(await app.client.workflow.getHandle(workflowId).fetchHistory());
      textsOf(history, raw);
      for (const payload of await codec.decode(payloadsOf(history))) {
        decrypted.push(Buffer.from(payload.data ?? []).toString('utf8'));
      }
    }
    // Decryption worked: the invitees' addresses are there in clear.
    expect(decrypted.some((text) => text.includes('acc@example.org'))).toBe(true);
    expect(decrypted.join('\n')).toContain(invitationIds[2]);
    expect(found(raw)).toEqual([]);
    expect(found(decrypted)).toEqual([]);
  });

  test('no log line holds one', () => {
    expect(logs).toContain('"req":{"id"');
    expect(logs).toContain('Activity completed');
    expect(found(logs.split('\n'))).toEqual([]);
  });
});
