/**
 * Captures the workflow histories that test/replay/invitation-histories.test.ts replays.
 *
 *   npx tsx test/replay/capture-histories.ts [--out <dir>]
 *
 * Starts the real stack the way the e2e tests do (a Temporal dev server, PostgreSQL, a mail
 * catcher, a webhook receiver, inviteflow's API and worker), drives invitations through the
 * HTTP API along the main paths, and writes each run's history, in the JSON form other Temporal
 * tools write and `historyFromJSON` reads, to `<dir>/<name>.json` (default: histories/ next to
 * this file). It records the workflow code of the checkout it runs in.
 *
 * The saved histories are the reference of what committed code wrote. Until a release exists no
 * deployment holds old runs, so a change to the workflows captures them all afresh; once one does,
 * add to them only for a deliberate change, guarded by `patched()`, captured from the committed code, e.g.
 *
 *   git worktree add /tmp/inviteflow-ref HEAD && ln -s "$PWD/node_modules" /tmp/inviteflow-ref/
 *   cp test/replay/capture-histories.ts /tmp/inviteflow-ref/test/replay/   # if HEAD lacks it
 *   (cd /tmp/inviteflow-ref && npx tsx test/replay/capture-histories.ts --out "$OLDPWD/test/replay/histories")
 *   git worktree remove --force /tmp/inviteflow-ref
 *
 * Tokens never enter a history by design; the capture checks that and refuses to write otherwise.
 *
 * Payloads are encrypted as in production, with the fixed key `capturePayloadKeys` (a test key,
 * known to all, never a deployment's), so the replay test can decrypt them too.
 */
import '../support/quiet-temporal-runtime';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { WorkflowHandle } from '@temporalio/client';
import { bundleWorkflowCode } from '@temporalio/worker';
import { startEmbeddedPostgres } from '../../embedded/postgres';
import { startTemporalDevServer } from '../../embedded/temporal-dev-server';
import { loadConfig } from '../../config/config';
import { EncryptionCodec, payloadKeys } from '../../runtime/payload-codec';
import { searchAttributesForCli } from '../../runtime/search-attributes';
import { linkIn, startTestInviteflow, type TestInviteflow } from '../support/harness';
import { publishTestServers } from '../support/servers';
import { startWebhookReceiver } from '../support/webhook-receiver';
import { webhookDispatcherWorkflowId } from '../../workflows/webhook-dispatcher-messages';
import { historyFromJson, historyToJson } from './history-json';
import { quietLogger } from '../support/quiet-logger';

/**
 * PAYLOAD_KEYS of the capture, the SHA-256 of "inviteflow replay histories": public on purpose, so the
 * saved histories replay anywhere. Never a deployment's key.
 */
export const capturePayloadKeys = 'capture:Zlz+Eqzp2QSyVRYykSzu/QwGgrFNpvkcq+SjBjoi528=';

/** The data converter's keys for histories the capture wrote (the secret-derived one is never used to encrypt). */
export function captureKeys() {
  return payloadKeys(
    'capture-histories-secret-not-used-to-encrypt',
    loadConfig({ PAYLOAD_KEYS: capturePayloadKeys }).PAYLOAD_KEYS,
  );
}

const admin = { userId: 'u-admin', roles: ['admin'], name: 'Ada Admin' };
/** The SMS catcher reports messages to this number undelivered. */
const undeliverable = '+33612345671';
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

interface Captured {
  name: string;
  workflowId: string;
}

class Scenarios {
  /** Every invitation token the run handed out, to prove none is in a history. */
  readonly tokens = new Set<string>();

  constructor(private readonly app: TestInviteflow) {}

  async expect(
    status: number,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; headers: Headers; body: any }> {
    const answer = await this.app.call(method, path, body);
    if (answer.status !== status) {
      throw new Error(`${method} ${path}: expected ${status}, got ${answer.status} ${JSON.stringify(answer.body)}`);
    }
    return answer;
  }

  async invite(workspace: string, email: string, extra: Record<string, unknown> = {}): Promise<string> {
    const created = await this.expect(201, 'POST', `/v1/workspaces/${workspace}/invitations`, {
      invitee: { email, name: 'Invitee' },
      roles: ['member'],
      inviter: admin,
      ...extra,
    });
    return created.body.id as string;
  }

  /** The token from the n-th (1-based) email sent to an address. */
  async token(to: string, sendNumber = 1): Promise<string> {
    const mail = await this.app.catcher.waitFor(
      (m) => m.to.includes(to) && (m.messageId ?? '').includes(`.${sendNumber}@`),
      20_000,
    );
    const token = linkIn(mail.text).searchParams.get('token')!;
    this.tokens.add(token);
    return token;
  }

  async statusBecomes(workspace: string, id: string, status: string): Promise<void> {
    for (let attempt = 0; attempt < 200; attempt += 1) {
      const detail = await this.expect(200, 'GET', `/v1/workspaces/${workspace}/invitations/${id}`);
      if (detail.body.status === status) return;
      await sleep(100);
    }
    throw new Error(`invitation ${id} never became ${status}`);
  }

  accept(token: string, userId: string, status = 200) {
    return this.expect(status, 'POST', '/v1/invitations/accept', { token, userId });
  }

  /** A bulk import's row: its run starts delayed, already sent, and the accept starts it at once. */
  async importedAccepted(): Promise<string> {
    const email = 'iris@example.org';
    const started = await this.expect(202, 'POST', '/v1/workspaces/acme/invitations/bulk', {
      emails: email,
      roles: ['member'],
      inviter: admin,
    });
    const token = await this.token(email);
    const id = token.slice(0, token.lastIndexOf('.'));
    for (let attempt = 0; attempt < 200; attempt += 1) {
      const bulk = await this.expect(200, 'GET', `/v1/workspaces/acme/invitations/bulk/${started.body.id}`);
      if (bulk.body.status === 'completed') break;
      await sleep(100);
    }
    await this.accept(token, 'user-iris');
    return id;
  }

  async accepted(): Promise<string> {
    const id = await this.invite('acme', 'ana@example.org');
    await this.accept(await this.token('ana@example.org'), 'user-ana');
    return id;
  }

  /**
   * The same user accepting twice while the run is still open (both recorded as `accept` updates),
   * and someone else refused with 409 (a rejected update leaves no event). A repeat after the run
   * closed is answered from the database and never reaches the workflow, so the two go together
   * and the scenario tries again until the repeat landed in the open run.
   */
  async acceptedRepeated(): Promise<string> {
    for (let attempt = 1; ; attempt += 1) {
      const email = `ben${attempt}@example.org`;
      const id = await this.invite('acme', email);
      const token = await this.token(email);
      // A user of their own each attempt: the one before joined the workspace already.
      const user = `user-ben${attempt}`;
      const first = this.accept(token, user);
      await sleep(20);
      const [again, refused] = await Promise.all([
        this.accept(token, user),
        this.accept(token, 'user-eve', 409),
        first,
      ]);
      if (refused.body.code !== 'invitation_already_accepted') throw new Error(`unexpected ${refused.body.code}`);
      if (again.body.invitation.acceptedAt !== (await first).body.invitation.acceptedAt) {
        throw new Error('a repeated acceptance was not answered as the first');
      }
      const handle = this.app.client.workflow.getHandle(`invitation-${id}`);
      await handle.result();
      const accepts = (await handle.fetchHistory()).events!.filter(
        (event) => event.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name === 'accept',
      );
      if (accepts.length === 2) return id;
      if (attempt === 10) throw new Error('the repeated acceptance never reached the open run');
    }
  }

  async registeredSendResendRevoke(): Promise<string> {
    const id = await this.invite('acme', 'cleo@example.org', { send: false });
    await this.expect(200, 'POST', `/v1/workspaces/acme/invitations/${id}/send`, { by: 'u-admin' });
    await this.token('cleo@example.org', 1);
    await this.expect(200, 'POST', `/v1/workspaces/acme/invitations/${id}/resend`, { by: 'u-admin' });
    await this.token('cleo@example.org', 2);
    await this.expect(200, 'POST', `/v1/workspaces/acme/invitations/${id}/revoke`, { by: 'u-admin' });
    return id;
  }

  async declined(): Promise<string> {
    const id = await this.invite('acme', 'dora@example.org');
    await this.expect(200, 'POST', '/v1/invitations/decline', { token: await this.token('dora@example.org') });
    return id;
  }

  async expiredResentAccepted(): Promise<string> {
    const id = await this.invite('short', 'eli@example.org');
    const token = await this.token('eli@example.org');
    await this.statusBecomes('short', id, 'expired');
    const refused = await this.accept(token, 'user-eli', 404);
    if (refused.body.code !== 'invalid_token') throw new Error(`unexpected ${refused.body.code}`);
    await this.expect(200, 'POST', `/v1/workspaces/short/invitations/${id}/resend`, {});
    await this.token('eli@example.org', 2);
    await this.accept(token, 'user-eli');
    return id;
  }

  /** An SMS Twilio reports delivered, then accepted from its link. */
  async smsDeliveredAccepted(): Promise<string> {
    const id = await this.invite('texts', 'gus@example.org', {
      invitee: { phone: '+33612345670', email: 'gus@example.org', phoneConsent: true },
    });
    const sms = await this.app.sms.waitFor((m) => m.statusCallback?.includes(id) === true && m.status === 'delivered');
    await this.eventRecorded('texts', id, 'delivered');
    const token = new URL(/https?:\/\/\S+/.exec(sms.body)![0]).searchParams.get('token')!;
    this.tokens.add(token);
    await this.accept(token, 'user-gus');
    return id;
  }

  /** An SMS Twilio reports undelivered, so the invitation goes by email (the workspace's fallback), then accepted. */
  async smsUndeliveredFellBackAccepted(): Promise<string> {
    const id = await this.invite('texts', 'hana@example.org', {
      invitee: { phone: undeliverable, email: 'hana@example.org', phoneConsent: true },
    });
    await this.accept(await this.token('hana@example.org'), 'user-hana');
    return id;
  }

  /** Accepted by a registration whose verified phone matched. */
  async phoneMatched(): Promise<string> {
    const id = await this.invite('acme', 'ivo@example.org', {
      invitee: { phone: '+33612345672', phoneConsent: true, name: 'Ivo' },
      channels: [],
    });
    const registered = await this.expect(200, 'POST', '/v1/registrations', {
      userId: 'user-ivo',
      phone: '+33 6 12 34 56 72',
      phoneVerified: true,
    });
    if (registered.body.matched.length !== 1)
      throw new Error(`expected one match, got ${JSON.stringify(registered.body)}`);
    await this.statusBecomes('acme', id, 'accepted');
    return id;
  }

  /** A pending invitation whose invitee asked to be forgotten, then revoked. */
  async erasedRevoked(): Promise<string> {
    const id = await this.invite('acme', 'jo@example.org');
    await this.token('jo@example.org');
    await this.expect(200, 'DELETE', `/v1/workspaces/acme/invitations/${id}/personal-data`);
    await this.expect(200, 'POST', `/v1/workspaces/acme/invitations/${id}/revoke`, {});
    return id;
  }

  async eventRecorded(workspace: string, id: string, type: string): Promise<void> {
    for (let attempt = 0; attempt < 200; attempt += 1) {
      const detail = await this.expect(200, 'GET', `/v1/workspaces/${workspace}/invitations/${id}`);
      if ((detail.body.events as { type: string }[]).some((event) => event.type === type)) return;
      await sleep(100);
    }
    throw new Error(`invitation ${id} never recorded ${type}`);
  }

  /** Two reminders, then the expiry; the run stays open for the retention after it. */
  async remindedExpired(): Promise<string> {
    const id = await this.invite('nudge', 'finn@example.org');
    await this.token('finn@example.org');
    await this.statusBecomes('nudge', id, 'expired');
    const detail = await this.expect(200, 'GET', `/v1/workspaces/nudge/invitations/${id}`);
    const events = (detail.body.events as { type: string }[]).map((event) => event.type).join(',');
    if (events !== 'created,sent,reminded,reminded,expired')
      throw new Error(`expected two reminders, then the expiry; got ${events}`);
    return id;
  }
}

/** Once no workflow task or activity is outstanding, the history will not grow until the next timer or update. */
async function settled(handle: WorkflowHandle): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const { status, raw } = await handle.describe();
    if (status.name !== 'RUNNING') return;
    if (!raw.pendingWorkflowTask && (raw.pendingActivities ?? []).length === 0) return;
    await sleep(100);
  }
  throw new Error(`${handle.workflowId} never settled`);
}

/** Every string in the history, with payload data decrypted and decoded, for the secrets check. */
async function textsOf(value: unknown, codec: EncryptionCodec, into: string[] = []): Promise<string[]> {
  if (typeof value === 'string') {
    into.push(value, Buffer.from(value, 'base64').toString('utf8'));
  } else if (Array.isArray(value)) {
    for (const item of value) await textsOf(item, codec, into);
  } else if (value && typeof value === 'object') {
    const { metadata, data } = value as { metadata?: Record<string, string>; data?: string };
    if (typeof metadata?.encoding === 'string') {
      const [plain] = await codec.decode([
        {
          metadata: Object.fromEntries(
            Object.entries(metadata).map(([name, text]) => [name, Buffer.from(text, 'base64')]),
          ),
          data: Buffer.from(data ?? '', 'base64'),
        },
      ]);
      into.push(Buffer.from(plain!.data ?? []).toString('utf8'));
    }
    for (const item of Object.values(value)) await textsOf(item, codec, into);
  }
  return into;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { out: { type: 'string' } } });
  const outDir = resolve(values.out ?? join(__dirname, 'histories'));
  const scratch = await mkdtemp(join(tmpdir(), 'inviteflow-capture-'));
  const workflowBundlePath = join(scratch, 'workflow-bundle.js');
  const [temporal, postgres, bundle] = await Promise.all([
    startTemporalDevServer({ headless: true, searchAttributes: searchAttributesForCli() }),
    startEmbeddedPostgres(),
    bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows'), logger: quietLogger }),
  ]);
  let app: TestInviteflow | undefined;
  const hooks = await startWebhookReceiver();
  try {
    await writeFile(workflowBundlePath, bundle.code);
    publishTestServers({
      temporalAddress: temporal.address,
      databaseUrl: postgres.url,
      workflowBundlePath,
      testServerPath: '',
    });
    app = await startTestInviteflow({ PAYLOAD_KEYS: capturePayloadKeys });
    const codec = new EncryptionCodec(captureKeys());
    const run = new Scenarios(app);
    await run.expect(201, 'PUT', '/v1/workspaces/acme', { name: 'Acme', settings: { resendInterval: '0s' } });
    await run.expect(201, 'PUT', '/v1/workspaces/short', {
      name: 'Short',
      settings: { invitationTtl: '2s', resendInterval: '0s' },
    });
    await run.expect(201, 'PUT', '/v1/workspaces/nudge', {
      name: 'Nudge',
      settings: { invitationTtl: '4s', reminders: ['1s', '2s'], resendInterval: '0s' },
    });
    await run.expect(201, 'PUT', '/v1/workspaces/texts', {
      name: 'Texts',
      settings: { channels: ['sms'], fallback: { sms: 'email' } },
    });
    app.sms.setOutcome((to) => (to === undeliverable ? 'undelivered' : 'delivered'));
    const endpoint = await run.expect(201, 'POST', '/v1/webhook-endpoints', { url: hooks.url });

    // The reminders run first and alone: on a busy machine, late workflow tasks would skip the second reminder.
    const reminded = `invitation-${await run.remindedExpired()}`;
    const scenarios: [string, () => Promise<string>][] = [
      ['invitation-accepted', () => run.accepted()],
      ['invitation-imported-accepted', () => run.importedAccepted()],
      ['invitation-accepted-repeated', () => run.acceptedRepeated()],
      ['invitation-registered-send-resend-revoke', () => run.registeredSendResendRevoke()],
      ['invitation-declined', () => run.declined()],
      ['invitation-expired-resent-accepted', () => run.expiredResentAccepted()],
      ['invitation-sms-delivered-accepted', () => run.smsDeliveredAccepted()],
      ['invitation-sms-undelivered-fell-back-accepted', () => run.smsUndeliveredFellBackAccepted()],
      ['invitation-phone-matched', () => run.phoneMatched()],
      ['invitation-erased-revoked', () => run.erasedRevoked()],
    ];
    const captured: Captured[] = [
      { name: 'invitation-reminded-expired', workflowId: reminded },
      ...(await Promise.all(
        scenarios.map(async ([name, scenario]) => ({ name, workflowId: `invitation-${await scenario()}` })),
      )),
    ];

    // The endpoint's dispatcher, once it has drained every message and ended idle.
    await hooks.waitFor(() => true);
    captured.push({ name: 'webhook-dispatcher-drained', workflowId: webhookDispatcherWorkflowId(endpoint.body.id) });

    const secrets = [...[...run.tokens].map((token) => token.slice(token.lastIndexOf('.') + 1)), app.secret];
    secrets.push(endpoint.body.secret as string);
    await mkdir(outDir, { recursive: true });
    for (const { name, workflowId } of captured) {
      const handle = app.client.workflow.getHandle(workflowId);
      await settled(handle);
      const history = await handle.fetchHistory();
      const json = historyToJson(history);
      const texts = await textsOf(json, codec);
      if (secrets.some((secret) => texts.some((text) => text.includes(secret)))) {
        throw new Error(`the history of ${name} contains a token or secret; not writing it`);
      }
      if (historyFromJson(json).events!.length !== history.events!.length) {
        throw new Error(`the history of ${name} does not read back`);
      }
      const file = join(outDir, `${name}.json`);
      const text = `${JSON.stringify(json, null, 2)}\n`;
      await writeFile(file, text);
      const { status } = await handle.describe();
      console.log(`${file}: ${history.events!.length} events, ${status.name.toLowerCase()}, ${text.length} bytes`);
    }
  } finally {
    await app?.stop();
    await hooks.close();
    await Promise.allSettled([temporal.stop(), postgres.stop()]);
    await rm(scratch, { recursive: true, force: true });
  }
}

// The replay test imports the key above; only `npx tsx` runs the capture.
if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
