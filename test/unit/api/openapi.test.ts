import { execFileSync } from 'node:child_process';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express, type Router } from 'express';
import { pino } from 'pino';
import { z } from 'zod';
import { createApp } from '../../../api/app';
import { invitationPagePaths } from '../../../api/pages/invitation-page';
import type { ApiContext } from '../../../api/context';
import { openApiDocument, problemSchema, type JsonSchema, type Operation } from '../../../api/openapi';
import { Problem, problemHandler, sendProblem } from '../../../api/problem';
import { docsRouter } from '../../../api/routers/docs';
import { invitationsRouter } from '../../../api/routers/invitations';
import { invitationLinksRouter } from '../../../api/routers/invitation-links';
import { repoRoot } from '../../../config/paths';
import { errorCodes, type ErrorCode } from '../../../domain/error-codes';
import { createInvitation, invitationStatuses } from '../../../domain/invitation';
import {
  acceptInvitationSchema,
  createInvitationSchema,
  declineInvitationSchema,
  invitationActionSchema,
  invitationDecisionSchema,
  changeInvitationSchema,
} from '../../../domain/invitation-input';
import { joinWithCodeSchema, updateInvitationCodeSchema } from '../../../domain/invitation-code';
import { invitationView, invitationViewSchema, type InvitationView } from '../../../domain/invitation-view';
import {
  createWebhookEndpointSchema,
  replayWebhookDeliveriesSchema,
  rotateWebhookSecretSchema,
  updateWebhookEndpointSchema,
} from '../../../domain/webhook-events';
import {
  upsertWorkspaceSchema,
  workspaceSettingsSchema,
  workspaceViewSchema,
  type Workspace,
} from '../../../domain/workspace';

const document = openApiDocument();

const storable = '^[^\\u0000]*$';

/** A request schema without the pattern the document adds to each string it states NUL is refused in. */
function withoutStorablePattern(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withoutStorablePattern);
  if (schema === null || typeof schema !== 'object') return schema;
  const entries = Object.entries(schema as JsonSchema).flatMap(([key, value]): [string, unknown][] => {
    if (key === 'pattern' && value === storable) return [];
    if (key === 'allOf' && Array.isArray(value)) {
      const rest = value.filter((part) => (part as JsonSchema).pattern !== storable);
      return rest.length > 0 ? [[key, withoutStorablePattern(rest)]] : [];
    }
    return [[key, withoutStorablePattern(value)]];
  });
  return Object.fromEntries(entries);
}

/** Every string a request schema takes, with where it is. */
function requestStrings(schema: unknown, at = ''): { at: string; schema: JsonSchema }[] {
  if (Array.isArray(schema)) return schema.flatMap((item, i) => requestStrings(item, `${at}/${i}`));
  if (schema === null || typeof schema !== 'object') return [];
  const own = (schema as JsonSchema).type === 'string' ? [{ at, schema: schema as JsonSchema }] : [];
  return [
    ...own,
    ...Object.entries(schema as JsonSchema).flatMap(([key, value]) => requestStrings(value, `${at}/${key}`)),
  ];
}

const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
  Object.entries(methods).map(([method, op]) => ({ route: `${method.toUpperCase()} ${path}`, op })),
);

function operation(operationId: string): Operation {
  const found = operations.find(({ op }) => op.operationId === operationId);
  if (!found) throw new Error(`no operation ${operationId}`);
  return found.op;
}

function parameter(operationId: string, name: string) {
  const found = operation(operationId).parameters?.find((p) => p.name === name);
  if (!found) throw new Error(`no parameter ${name} on ${operationId}`);
  return found;
}

/** The `code` values a problem answer names, from the `allOf` that narrows the Problem schema. */
function problemCodes(op: Operation, status: number): string[] | undefined {
  const schema = op.responses[status]?.content?.['application/problem+json']?.schema;
  return (schema?.allOf as [unknown, { properties: { code: { enum: string[] } } }] | undefined)?.[1].properties.code
    .enum;
}

/**
 * Every `METHOD /path` of the app `createApp` builds, walked from its router
 * stack, with `:param` written `{param}` as OpenAPI does. Built without
 * `extraRoutes`: those are the dev outbox pages of `inviteflow start`
 * (`/dev/*`), undocumented on purpose. The document and its reference page
 * do not describe themselves.
 */
function servedRoutes(): string[] {
  const ctx = {
    orm: {},
    temporal: {},
    log: pino({ level: 'silent' }),
    secret: 'test-secret',
    publicBaseUrl: 'http://localhost',
    twilio: null,
    emailEvents: { messageIdDomain: 'inviteflow.local', ses: null, sendgrid: null, postmark: null },
    joinAttempts: { caps: { ip: 1, user: 1, global: 1 }, windowMs: 60_000 },
    codec: { keys: [{ id: 'k1', key: new Uint8Array(32) }], corsOrigins: [] },
  } as unknown as ApiContext;
  const selfDescription = new Set(['GET /openapi.json', 'GET /docs']);
  const routes: string[] = [];
  type Layer = Router['stack'][number];
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      const { route } = layer;
      const nested = (layer.handle as { stack?: Layer[] }).stack;
      if (route) {
        const methods = Object.keys((route as unknown as { methods: Record<string, boolean> }).methods);
        for (const method of methods) routes.push(`${method.toUpperCase()} ${prefix}${route.path}`);
      } else if (nested) {
        const mountPath = (layer as unknown as { rawPath?: string }).rawPath ?? '/';
        walk(nested, mountPath === '/' ? prefix : `${prefix}${mountPath}`);
      }
    }
  };
  walk(createApp(ctx, { extraRoutes: [] }).router.stack, '');
  return (
    routes
      .map((route) => route.replace(/:(\w+)/g, '{$1}'))
      .filter((route) => !selfDescription.has(route) && !route.startsWith('GET /docs/assets/'))
      // The invitee's pages are for browsers, not API clients: HTML, forms and redirects.
      .filter((route) => !invitationPagePaths.some((path) => route.endsWith(` ${path}`)))
  );
}

async function listen(app: Express): Promise<{ url: string; server: Server }> {
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () =>
      resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server }),
    );
  });
}

const sampleInvitation = () =>
  createInvitation(
    {
      id: 'inv_1',
      workspaceId: 'acme',
      invitee: { email: 'ana@example.org', phone: null, name: 'Ana', userId: null },
      roles: ['member'],
      groups: [],
      channels: ['email'],
      inviter: { userId: 'u_1', roles: ['admin'], name: 'Bo' },
      locale: 'en',
      ttlMs: 1000,
      resendIntervalMs: 60_000,
      reminderOffsetsMs: [],
    },
    new Date('2026-01-02T03:04:05.000Z'),
  );

describe('OpenAPI document', () => {
  it('is valid OpenAPI 3.1', () => {
    // The validator is ESM only, which Jest's CommonJS runtime cannot load: it runs in its own node.
    const script = `import { Validator } from '@seriousme/openapi-schema-validator';
      import { text } from 'node:stream/consumers';
      const validator = new Validator();
      const result = await validator.validate(JSON.parse(await text(process.stdin)));
      process.stdout.write(JSON.stringify({ ...result, version: validator.version }));`;
    const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: repoRoot,
      input: JSON.stringify(document),
    });
    expect(JSON.parse(output.toString())).toEqual({ valid: true, version: '3.1' });
  });

  it('documents every route the API serves', () => {
    expect(operations.map(({ route }) => route).sort()).toEqual(servedRoutes().sort());
    expect(new Set(operations.map(({ op }) => op.operationId)).size).toBe(operations.length);
  });

  it('documents each request body as the JSON Schema of the domain schema its route validates with', () => {
    for (const [operationId, schema] of [
      ['putWorkspace', upsertWorkspaceSchema],
      ['createInvitation', createInvitationSchema],
      ['revokeInvitation', invitationActionSchema],
      ['approveInvitation', invitationDecisionSchema],
      ['changeInvitation', changeInvitationSchema],
      ['acceptInvitation', acceptInvitationSchema],
      ['declineInvitation', declineInvitationSchema],
      ['createWebhookEndpoint', createWebhookEndpointSchema],
      ['updateWebhookEndpoint', updateWebhookEndpointSchema],
      ['rotateWebhookSecret', rotateWebhookSecretSchema],
      ['replayWebhookDeliveries', replayWebhookDeliveriesSchema],
      ['putInvitationCode', updateInvitationCodeSchema],
      ['joinWithCode', joinWithCodeSchema],
    ] as const) {
      const { $schema: _dialect, $defs: defs = {}, ...own } = z.toJSONSchema(schema, { io: 'input' });
      // What a request schema holds more than once is a component, referred to there.
      const toComponents = (json: unknown) =>
        JSON.parse(JSON.stringify(json).replaceAll('"#/$defs/', '"#/components/schemas/')) as unknown;
      const documented = operation(operationId).requestBody?.content['application/json']?.schema;
      expect({ operationId, schema: withoutStorablePattern(documented) }).toEqual({
        operationId,
        schema: toComponents(own),
      });
      for (const [id, def] of Object.entries(defs)) {
        expect(withoutStorablePattern(document.components.schemas[id])).toEqual(toComponents(def));
      }
    }
    const invitation = operation('createInvitation').requestBody;
    expect(invitation?.required).toBe(true);
    expect(invitation?.content['application/json']?.schema).toMatchObject({
      required: ['invitee', 'inviter'],
      properties: {
        invitee: { properties: { email: { type: 'string', format: 'email', maxLength: 254 } } },
        send: { default: true },
      },
    });
    // Their routers read a missing body as `{}`.
    expect(operation('sendInvitation').requestBody?.required).toBe(false);
    expect(operation('revokeInvitation').requestBody?.required).toBe(false);
  });

  it('documents path and query parameters with the constraints the routes check', () => {
    expect(parameter('putWorkspace', 'ws')).toMatchObject({
      in: 'path',
      required: true,
      schema: { pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$' },
    });
    expect(parameter('getInvitation', 'id')).toEqual({
      name: 'id',
      in: 'path',
      required: true,
      schema: { type: 'string', minLength: 1, maxLength: 200, pattern: '^[^\\u0000-\\u001f\\u007f]+$' },
    });
    expect(parameter('listInvitations', 'limit')).toMatchObject({
      in: 'query',
      required: false,
      schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
    });
    expect(parameter('listInvitations', 'status').schema.enum).toEqual([...invitationStatuses]);
    expect(parameter('printInvitation', 'size')).toMatchObject({
      in: 'query',
      required: false,
      schema: { enum: ['a4', 'letter'], default: 'a4' },
    });
    expect(parameter('lookupInvitation', 'token')).toMatchObject({
      in: 'query',
      required: true,
      schema: { type: 'string', minLength: 1, maxLength: 512 },
    });
  });

  it('states on every string a request carries that NUL is refused, as every route refuses it', () => {
    const strings = operations.flatMap(({ route, op }) => [
      ...(op.parameters ?? []).flatMap((p) => requestStrings(p.schema, `${route} ${p.in}.${p.name}`)),
      ...Object.entries(op.requestBody?.content ?? {}).flatMap(([media, { schema }]) =>
        requestStrings(schema, `${route} ${media}`),
      ),
    ]);
    expect(strings.length).toBeGreaterThan(100);
    const unstated = strings.filter(({ schema }) => {
      if ('enum' in schema || 'const' in schema || 'anyOf' in schema) return false;
      const patterns = [schema.pattern, ...((schema.allOf as JsonSchema[] | undefined) ?? []).map((p) => p.pattern)];
      return !patterns.some(
        (pattern) => typeof pattern === 'string' && new RegExp(pattern, 'u').test('\u0000') === false,
      );
    });
    expect(unstated.map(({ at }) => at)).toEqual([]);
  });

  it('says when to retry on every answer that may succeed later', () => {
    for (const { route, op } of operations) {
      for (const status of ['429', '503']) {
        const response = op.responses[status];
        if (!response?.content?.['application/problem+json']) continue;
        expect({ route, status, header: Boolean(response.headers?.['Retry-After']) }).toEqual({
          route,
          status,
          header: true,
        });
      }
    }
    expect(operation('resendInvitation').responses['429']?.headers?.['Retry-After']).toBeDefined();
    expect(operation('getWorkspace').responses['503']?.headers?.['Retry-After']).toBeDefined();
  });

  it('lists the problem codes of each operation under the HTTP status they answer with', () => {
    for (const { route, op } of operations) {
      for (const [status, response] of Object.entries(op.responses)) {
        const codes = problemCodes(op, Number(status));
        if (!codes) continue;
        expect({ route, status, codes: codes.map((code) => errorCodes[code as ErrorCode]) }).toEqual({
          route,
          status,
          codes: codes.map(() => Number(status)),
        });
        expect(response.description).toContain(`\`${codes[0]}\``);
      }
      const isPublic = op.security !== undefined;
      expect({ route, unauthorized: problemCodes(op, 401) }).toEqual({
        route,
        unauthorized: isPublic ? undefined : ['unauthorized'],
      });
    }
    expect(problemCodes(operation('createInvitation'), 403)).toEqual(['inviter_not_allowed', 'role_not_grantable']);
    expect(problemCodes(operation('createInvitation'), 409)).toEqual([
      'seat_limit_reached',
      'open_invitations_cap_reached',
      'idempotency_key_in_use',
    ]);
    expect(problemCodes(operation('createInvitation'), 429)).toEqual(['invitation_cap_reached']);
    expect(operation('createInvitation').responses['429']?.headers?.['Retry-After']).toBeDefined();
    expect(problemCodes(operation('createInvitation'), 422)).toEqual([
      'unknown_role',
      'channel_unavailable',
      'address_suppressed',
      'idempotency_key_reused',
      'validation_failed',
    ]);
    expect(problemCodes(operation('revokeInvitation'), 409)).toEqual([
      'invitation_already_accepted',
      'invitation_declined',
      'invitation_revoked',
      'idempotency_key_in_use',
    ]);
    expect(problemCodes(operation('sendInvitation'), 409)).toContain('invitation_already_sent');
    // Dead links answer like forged tokens; a live one can still be refused.
    expect(problemCodes(operation('acceptInvitation'), 404)).toEqual(['invalid_token']);
    expect(problemCodes(operation('acceptInvitation'), 409)).not.toContain('invitation_expired');
    expect(problemCodes(operation('acceptInvitation'), 429)).toEqual(['too_many_attempts']);
    expect(problemCodes(operation('lookupInvitation'), 429)).toEqual(['too_many_attempts']);
    expect(problemCodes(operation('approveInvitation'), 403)).toEqual(['inviter_not_allowed', 'role_not_grantable']);
    expect(problemCodes(operation('rejectInvitation'), 409)).toContain('invitation_not_requested');
    expect(problemCodes(operation('changeInvitation'), 409)).toEqual([
      'invitation_already_accepted',
      'invitation_declined',
      'invitation_revoked',
    ]);
    expect(problemCodes(operation('changeInvitation'), 422)).toEqual(['unknown_role', 'validation_failed']);
    expect(problemCodes(operation('lookupInvitation'), 404)).toEqual(['invalid_token']);
    // Every reason a code does not join is one answer.
    expect(problemCodes(operation('joinWithCode'), 404)).toEqual(['invalid_code']);
    expect(problemCodes(operation('joinWithCode'), 409)).toEqual([
      'already_member',
      'seat_limit_reached',
      'idempotency_key_in_use',
    ]);
    expect(problemCodes(operation('joinWithCode'), 429)).toEqual(['too_many_attempts']);
    expect(problemCodes(operation('putInvitationCode'), 429)).toEqual(['too_many_attempts']);
    expect(problemCodes(operation('putInvitationCode'), 422)).toEqual(['validation_failed']);
    expect(document.components.securitySchemes.apiKey).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('describes answers as the API builds them', async () => {
    const invitation: InvitationView = invitationViewSchema.parse(invitationView(sampleInvitation()));
    expect(invitation).toEqual(invitationView(sampleInvitation()));
    const built: Workspace = {
      id: 'acme',
      name: 'Acme',
      settings: workspaceSettingsSchema.parse({}),
      createdAt: '2026-01-02T03:04:05.000Z',
      updatedAt: '2026-01-02T03:04:05.000Z',
    };
    const workspace: Workspace = workspaceViewSchema.parse(built);
    expect(workspace).toEqual(built);

    const app = express().get('/problem', (_req, res) =>
      sendProblem(res, new Problem('validation_failed', 'invalid body', [{ field: '/invitee/email', message: 'bad' }])),
    );
    const { url, server } = await listen(app);
    try {
      const body: unknown = await (await fetch(`${url}/problem`)).json();
      expect(problemSchema.parse(body)).toEqual(body);
    } finally {
      server.close();
    }
  });
});

describe('routers whose schemas are private to them', () => {
  const workspaceRow = {
    id: 'acme',
    name: 'Acme',
    settings: workspaceSettingsSchema.parse({}),
    createdAt: new Date(),
    updatedAt: new Date(),
  };
  // Enough of a context to get each handler past validation; what fails after it is a 500, not a 422.
  const ctx = {
    orm: { em: { fork: () => ({ findOne: async () => workspaceRow, find: async () => [] }) } },
    secret: 'test-secret',
    log: pino({ level: 'silent' }),
    emailEvents: { messageIdDomain: 'inviteflow.local', ses: null, sendgrid: null, postmark: null },
  } as unknown as ApiContext;
  let url = '';
  let server: Server;

  beforeAll(async () => {
    const app = express()
      .use(express.json())
      .use((req, _res, next) => {
        req.caller = { keyId: 'key_test', scope: 'platform', workspaceId: null };
        next();
      })
      .use(invitationsRouter(ctx), invitationLinksRouter(ctx))
      .use(problemHandler(ctx.log));
    ({ url, server } = await listen(app));
  });

  afterAll(() => server.close());

  /** The fields a 422 names, or none when the request got past validation. */
  async function refusedFields(path: string, body?: unknown): Promise<string[]> {
    const res = await fetch(
      `${url}${path}`,
      body === undefined
        ? {}
        : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
    );
    const answer = (await res.json()) as { errors?: { field: string }[] };
    return res.status === 422 ? (answer.errors ?? []).map((error) => error.field) : [];
  }

  it('enforce the limits the document gives', async () => {
    const limit = parameter('listInvitations', 'limit').schema as { minimum: number; maximum: number };
    const cursor = parameter('listInvitations', 'cursor').schema as { maxLength: number };
    const token = parameter('lookupInvitation', 'token').schema as { maxLength: number };
    const list = '/v1/workspaces/acme/invitations';
    const cases: [string, unknown, string[]][] = [
      [`${list}?limit=${limit.maximum}&status=${invitationStatuses[0]}`, undefined, []],
      [`${list}?limit=${limit.maximum + 1}`, undefined, ['query.limit']],
      [`${list}?limit=${limit.minimum - 1}`, undefined, ['query.limit']],
      [`${list}?status=unknown`, undefined, ['query.status']],
      [`${list}?cursor=${'x'.repeat(cursor.maxLength + 1)}`, undefined, ['query.cursor']],
      [`/v1/invitations/lookup?token=${'x'.repeat(token.maxLength)}`, undefined, []],
      [`/v1/invitations/lookup?token=${'x'.repeat(token.maxLength + 1)}`, undefined, ['query.token']],
      ['/v1/invitations/lookup', undefined, ['query.token']],
      [`${list}/inv_1/print.pdf?size=letter`, undefined, []],
      [`${list}/inv_1/print.pdf?size=a5`, undefined, ['query.size']],
    ];
    for (const action of ['sendInvitation', 'resendInvitation', 'revokeInvitation']) {
      const by = operation(action).requestBody?.content['application/json']?.schema as {
        properties: { by: { maxLength: number } };
      };
      const path = `/v1/workspaces/acme/invitations/inv_1/${action.replace('Invitation', '')}`;
      cases.push([path, {}, []], [path, { by: 'x'.repeat(by.properties.by.maxLength) }, []]);
      cases.push([path, { by: 'x'.repeat(by.properties.by.maxLength + 1) }, ['/by']], [path, { by: 5 }, ['/by']]);
    }
    for (const [path, body, fields] of cases) {
      expect({ path, body, fields: await refusedFields(path, body) }).toEqual({ path, body, fields });
    }
  });
});

describe('docsRouter', () => {
  let url = '';
  let server: Server;

  beforeAll(async () => {
    ({ url, server } = await listen(express().use(docsRouter())));
  });

  afterAll(() => server.close());

  it('serves the document at /openapi.json', async () => {
    const res = await fetch(`${url}/openapi.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual(JSON.parse(JSON.stringify(document)));
  });

  it('serves a reference page at /docs that loads only its own files, under a CSP that allows no other', async () => {
    const res = await fetch(`${url}/docs`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const page = await res.text();
    const loaded = [...page.matchAll(/(?:src|href)="([^"]+)"/g)].map(([, target]) => target!);
    expect(loaded.sort()).toEqual([
      '/docs/assets/favicon-32x32.png',
      '/docs/assets/initializer.js',
      '/docs/assets/swagger-ui-bundle.js',
      '/docs/assets/swagger-ui.css',
    ]);
    // No inline script: `script-src 'self'` would refuse it.
    expect(page).not.toMatch(/<script>|<script [^>]*>[^<]/);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp.split('; ')).toEqual(
      expect.arrayContaining([
        "default-src 'none'",
        "script-src 'self'",
        "connect-src 'self'",
        "frame-ancestors 'none'",
      ]),
    );
    for (const target of loaded) {
      const asset = await fetch(`${url}${target}`);
      expect({ target, status: asset.status, csp: asset.headers.get('content-security-policy') }).toEqual({
        target,
        status: 200,
        csp,
      });
    }
    const initializer = await (await fetch(`${url}/docs/assets/initializer.js`)).text();
    expect(initializer).toContain("url: '/openapi.json'");
  });
});
