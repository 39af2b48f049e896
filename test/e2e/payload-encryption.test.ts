import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { ApiContext } from '../../api/context';
import { problemHandler } from '../../api/problem';
import { codecRouter } from '../../api/routers/codec';
import { createLogger } from '../../runtime/logger';
import { payloadKeys } from '../../runtime/payload-codec';
import { addWorkspaceKey } from '../support/api-keys';
import { startTestInviteflow, type TestInviteflow } from '../support/harness';
import { invite } from '../support/invite';
import { historyToJson } from '../replay/history-json';

let app: TestInviteflow;
const uiOrigin = 'https://temporal.example.com';
const invitee = { email: 'Zoe.Quist@example.org', phone: '+34 612 34 56 78', name: 'Zoe Quist' };
/** Every way the phone could have been written: as given, E.164, national, digits only. */
const phoneForms = ['+34 612 34 56 78', '+34612345678', '612 34 56 78', '612345678', '34612345678'];

beforeAll(async () => {
  app = await startTestInviteflow({ CODEC_CORS_ORIGINS: uiOrigin });
  expect((await app.call('PUT', '/v1/workspaces/acme', { name: 'Acme' })).status).toBe(201);
});

afterAll(async () => {
  await app?.stop();
});

/** Every string of the history JSON, and each read as base64 (how payload data and metadata are written). */
function textsOf(value: unknown, into: string[] = []): string[] {
  if (typeof value === 'string') into.push(value, Buffer.from(value, 'base64').toString('utf8'));
  else if (Array.isArray(value)) for (const item of value) textsOf(item, into);
  else if (value && typeof value === 'object') for (const item of Object.values(value)) textsOf(item, into);
  return into;
}

/**
 * Every payload of the history JSON (an object with base64 `metadata.encoding`) the codec sees: not the
 * search attributes and headers (which payload codecs never encode; they carry no personal data), nor the
 * SDK's own patch markers.
 */
function payloadsOf(value: unknown, path = '', into: { metadata: Record<string, string>; data?: string }[] = []) {
  if (/searchAttributes|\/header\/|markerRecorded/.test(path)) return into;
  if (Array.isArray(value)) value.forEach((item, index) => payloadsOf(item, `${path}/${index}`, into));
  else if (value && typeof value === 'object') {
    const metadata = (value as { metadata?: { encoding?: unknown } }).metadata;
    if (typeof metadata?.encoding === 'string') into.push(value as { metadata: Record<string, string> });
    else for (const [name, item] of Object.entries(value)) payloadsOf(item, `${path}/${name}`, into);
  }
  return into;
}

const codecCall = (action: string, body: unknown, headers: Record<string, string>) =>
  fetch(`${app.apiUrl}/codec/${action}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

describe('a finished invitation in Temporal', () => {
  let history: unknown;

  beforeAll(async () => {
    const { id, token } = await invite(app, {
      workspace: 'acme',
      invitee: { ...invitee, phoneConsent: true },
      body: { channels: ['email', 'sms'] },
      tokenFrom: 'email',
    });
    expect((await app.call('POST', '/v1/invitations/accept', { token, userId: 'user-zoe' })).status).toBe(200);
    const handle = app.client.workflow.getHandle(`invitation-${id}`);
    expect((await handle.result()).status).toBe('accepted');
    history = historyToJson(await handle.fetchHistory());
  });

  test('holds no email, phone or name in clear, in any payload or other field', () => {
    const texts = textsOf(history).map((text) => text.toLowerCase());
    expect(texts.length).toBeGreaterThan(100);
    for (const personal of [invitee.email, invitee.name, ...phoneForms]) {
      expect(texts.filter((text) => text.includes(personal.toLowerCase()))).toEqual([]);
    }
  });

  test('has its payloads encrypted, and the codec endpoint decodes them for a platform key', async () => {
    const payloads = payloadsOf(history);
    expect(payloads.length).toBeGreaterThan(10);
    const encodings = new Set(payloads.map(({ metadata }) => Buffer.from(metadata.encoding!, 'base64').toString()));
    expect([...encodings]).toEqual(['binary/encrypted']);

    const answer = await codecCall('decode', { payloads }, { authorization: `Bearer ${app.apiKey}` });
    expect(answer.status).toBe(200);
    const decoded = ((await answer.json()) as { payloads: { metadata: Record<string, string>; data: string }[] })
      .payloads;
    expect(decoded).toHaveLength(payloads.length);
    const plain = decoded.map(({ data }) => Buffer.from(data, 'base64').toString());
    expect(plain.some((text) => text.toLowerCase().includes(invitee.email.toLowerCase()))).toBe(true);
    expect(plain.some((text) => text.includes(invitee.name))).toBe(true);
    const jsonPayload = decoded.find(
      ({ metadata }) => Buffer.from(metadata.encoding!, 'base64').toString() === 'json/plain',
    );
    expect(jsonPayload).toBeDefined();
  });
});

describe('the codec endpoint', () => {
  const sample = {
    payloads: [
      {
        metadata: { encoding: Buffer.from('json/plain').toString('base64') },
        data: Buffer.from('"ana@example.org"').toString('base64'),
      },
    ],
  };

  test('encodes what it decodes back', async () => {
    const auth = { authorization: `Bearer ${app.apiKey}` };
    const encoded = await codecCall('encode', sample, auth);
    expect(encoded.status).toBe(200);
    const body = (await encoded.json()) as typeof sample;
    expect(Buffer.from(body.payloads[0]!.data, 'base64').toString('latin1')).not.toContain('ana@example.org');
    const decoded = await codecCall('decode', body, auth);
    expect(await decoded.json()).toEqual(sample);
  });

  test('answers 401 without an API key and 401 with a wrong one', async () => {
    for (const headers of [{}, { authorization: 'Bearer not-a-key' }] as Record<string, string>[]) {
      const answer = await codecCall('decode', sample, headers);
      expect(answer.status).toBe(401);
      expect(answer.headers.get('content-type')).toContain('application/problem+json');
      expect(((await answer.json()) as { code: string }).code).toBe('unauthorized');
    }
  });

  test("answers 403 to a workspace API key: payloads hold every workspace's personal data", async () => {
    const key = await addWorkspaceKey(app, 'acme');
    const answer = await codecCall('decode', sample, { authorization: `Bearer ${key}` });
    expect(answer.status).toBe(403);
    expect(((await answer.json()) as { code: string }).code).toBe('forbidden');
  });

  test('names the payload and the key id it cannot decrypt with', async () => {
    const unknownKey = {
      payloads: [
        {
          metadata: {
            encoding: Buffer.from('binary/encrypted').toString('base64'),
            'encryption-key-id': Buffer.from('k-gone').toString('base64'),
          },
          data: Buffer.alloc(40).toString('base64'),
        },
      ],
    };
    const answer = await codecCall('decode', unknownKey, { authorization: `Bearer ${app.apiKey}` });
    expect(answer.status).toBe(422);
    const problem = (await answer.json()) as { errors: { field: string; message: string }[] };
    expect(problem.errors).toEqual([{ field: '/payloads/0', message: expect.stringContaining('"k-gone"') }]);
  });

  test('refuses a body that is not a list of payloads, naming the field', async () => {
    const answer = await codecCall(
      'decode',
      { payloads: [{ data: 'not base64!' }] },
      { authorization: `Bearer ${app.apiKey}` },
    );
    expect(answer.status).toBe(422);
    expect(((await answer.json()) as { errors: { field: string }[] }).errors[0]!.field).toBe('/payloads/0/data');
  });

  test('lets a browser on an allowed origin in, with the headers the Temporal UI sends', async () => {
    const preflight = (origin: string) =>
      fetch(`${app.apiUrl}/codec/decode`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization,content-type,x-namespace',
        },
      });
    const allowed = await preflight(uiOrigin);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(uiOrigin);
    expect(allowed.headers.get('access-control-allow-methods')).toContain('POST');
    expect(allowed.headers.get('access-control-allow-headers')!.toLowerCase().split(/,\s*/)).toEqual(
      expect.arrayContaining(['authorization', 'content-type', 'x-namespace']),
    );

    const other = await preflight('https://evil.example.com');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    expect(other.headers.get('access-control-allow-headers')).toBeNull();

    const call = await codecCall('decode', sample, { origin: uiOrigin, authorization: `Bearer ${app.apiKey}` });
    expect(call.status).toBe(200);
    expect(call.headers.get('access-control-allow-origin')).toBe(uiOrigin);
  });
});

describe('the codec endpoint of `inviteflow start` (development only)', () => {
  const devUi = 'http://localhost:8233';
  let url = '';
  let server: Server;

  beforeAll(async () => {
    const log = createLogger('silent');
    const ctx = {
      orm: app.orm,
      log,
      codec: { keys: payloadKeys(app.secret), corsOrigins: [], keylessLoopbackOrigins: [devUi] },
    } as unknown as ApiContext;
    // As api/app.ts sets it: a proxy on this machine passes the client's address on.
    const devApp = express().set('trust proxy', 'loopback').use(express.json()).use(codecRouter(ctx));
    devApp.use(problemHandler(log));
    server = await new Promise<Server>((resolve) => {
      const listening = devApp.listen(0, '127.0.0.1', () => resolve(listening));
    });
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => server?.close());

  const decode = (headers: Record<string, string>) =>
    fetch(`${url}/codec/decode`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ payloads: [] }),
    });

  test("lets the embedded UI's origin in without a key, from this machine only", async () => {
    const fromUi = await decode({ origin: devUi });
    expect(fromUi.status).toBe(200);
    expect(fromUi.headers.get('access-control-allow-origin')).toBe(devUi);

    expect((await decode({})).status).toBe(401);
    expect((await decode({ origin: 'http://localhost:9999' })).status).toBe(401);
    expect((await decode({ origin: devUi, 'x-forwarded-for': '203.0.113.9' })).status).toBe(401);
  });
});
