import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { repoRoot } from '../config/paths';
import { errorCodeList, errorCodes, type ErrorCode } from '../domain/error-codes';
import { routeEntries } from '../contract';
import type { Answer, Method, RouteDefinition } from '../contract/route';
import { idempotencyKeyPattern } from './idempotency';
import { forwardedForHeader } from './visitor';

// The parts of OpenAPI 3.1 this document uses.
export type JsonSchema = Record<string, unknown>;

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  description?: string;
  schema: JsonSchema;
}

export interface Content {
  [mediaType: string]: { schema: JsonSchema };
}

export interface Response {
  description: string;
  headers?: Record<string, { description: string; required?: boolean; schema: JsonSchema }>;
  content?: Content;
}

export interface Operation {
  operationId: string;
  tags: string[];
  summary: string;
  description?: string;
  /** Empty: no API key needed. */
  security?: [];
  parameters?: Parameter[];
  requestBody?: { required: boolean; content: Content };
  responses: Record<string, Response>;
  /** The route's refusals of requests its schemas allow: its own 422 codes, and fields whose rules JSON Schema cannot state. */
  'x-refused-beyond-schema'?: { codes: ErrorCode[]; fields: readonly string[] };
}

export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; description: string; license: { name: string; identifier: string } };
  tags: { name: string }[];
  security: Record<string, []>[];
  paths: Record<string, Partial<Record<Method, Operation>>>;
  components: { schemas: Record<string, JsonSchema>; securitySchemes: Record<string, JsonSchema> };
}

/** What every problem+json answer holds. */
export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: z.enum(errorCodeList).describe('Stable: match on this, not on the texts'),
    detail: z.string(),
    errors: z
      .array(
        z.object({
          field: z.string().describe('JSON pointer into the body (`/invitee/email`), or `query.<name>`'),
          message: z.string(),
        }),
      )
      .optional(),
  })
  .meta({ id: 'Problem' });

const schemaRef = (id: string) => `#/components/schemas/${id}`;

/**
 * What the API refuses in every string it reads, whatever the field: the NUL
 * character, which PostgreSQL cannot store (api/validate.ts). Stated on each
 * string so that generated clients and fuzzers know it.
 */
const storable = '^[^\\u0000]*$';

// A pattern of ours lists what it allows, NUL never among it.
function withStorableStrings(schema: JsonSchema): void {
  if (schema.type !== 'string' || 'enum' in schema || 'const' in schema || 'pattern' in schema) return;
  schema.pattern = storable;
}

/** A request part as the route's schema accepts it; the document's dialect already is 2020-12. */
function inputSchema(schema: z.ZodType): JsonSchema {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, {
    io: 'input',
    override: ({ jsonSchema }) => withStorableStrings(jsonSchema as JsonSchema),
  });
  return json;
}

/**
 * The paths with what their request schemas hold under `$defs` (a recursive
 * JSON value) lifted into components: a `#/$defs/…` reference inside the
 * document would point at its root.
 */
function withDefsLifted(documentPaths: OpenApiDocument['paths']): {
  paths: OpenApiDocument['paths'];
  schemas: Record<string, JsonSchema>;
} {
  const schemas: Record<string, JsonSchema> = {};
  const stripped = JSON.stringify(documentPaths, (key, value: unknown) => {
    if (key !== '$defs') return value;
    for (const [id, def] of Object.entries(value as Record<string, JsonSchema>)) {
      if (id.startsWith('__')) throw new Error('a schema a request holds more than once needs an `id` in its metadata');
      schemas[id] = def;
    }
    return undefined;
  });
  const retarget = <T>(text: string) => JSON.parse(text.replaceAll('"#/$defs/', `"${schemaRef('')}`)) as T;
  return { paths: retarget(stripped), schemas: retarget(JSON.stringify(schemas)) };
}

function answerSchemas(): z.ZodType[] {
  const schemas = new Set<z.ZodType>([problemSchema]);
  for (const [, route] of routeEntries) {
    for (const answer of Object.values<Answer>(route.answers)) if ('schema' in answer) schemas.add(answer.schema);
  }
  return [...schemas];
}

/** The `id` an answer schema carries in its metadata: its name under `components.schemas`. */
function componentId(schema: z.ZodType): string {
  const id = z.globalRegistry.get(schema)?.id;
  if (!id) throw new Error('an answer schema has no `id` in its metadata');
  return id;
}

const ref = (schema: z.ZodType): JsonSchema => ({ $ref: schemaRef(componentId(schema)) });

/**
 * Every answer schema, and each schema with an `id` that one holds, as a
 * component of its own. zod puts the nested ones under `__shared`: they are
 * lifted beside the others and their references pointed there.
 */
function componentSchemas(): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string }>();
  for (const schema of answerSchemas()) registry.add(schema, { id: componentId(schema) });
  const { schemas } = z.toJSONSchema(registry, {
    io: 'output',
    uri: schemaRef,
    // Answers gain fields over time: `additionalProperties: false` would make strict clients break on each one.
    override: ({ jsonSchema }) => {
      if (jsonSchema.additionalProperties === false) delete jsonSchema.additionalProperties;
    },
  });
  const { __shared: shared, ...own } = schemas;
  const all = { ...own, ...((shared?.$defs ?? {}) as Record<string, JsonSchema>) };
  const text = JSON.stringify(all).replaceAll(`${schemaRef('__shared')}#/$defs/`, schemaRef(''));
  // `$id` would be a JSON pointer, which 2020-12 forbids there; the components' keys name them.
  return Object.fromEntries(
    Object.entries(JSON.parse(text) as Record<string, JsonSchema>).map(([id, { $schema: _d, $id: _i, ...json }]) => [
      id,
      json,
    ]),
  );
}

/** api/idempotency.ts reads the header on the POSTs of `/v1` that need a key. */
const takesIdempotencyKey = (route: RouteDefinition) =>
  route.method === 'post' && route.path.startsWith('/v1/') && route.access !== 'public';

function queryParameters(query: z.ZodType, description?: string): Parameter[] {
  const { properties = {}, required = [] } = inputSchema(query) as {
    properties?: Record<string, JsonSchema>;
    required?: string[];
  };
  return Object.entries(properties).map(([name, schema]) => ({
    name,
    in: 'query',
    required: description === undefined && required.includes(name),
    ...(description && { description }),
    schema,
  }));
}

function parameters(route: RouteDefinition): Parameter[] {
  const path = Object.entries(route.params ?? {}).map(([name, schema]): Parameter => ({
    name,
    in: 'path',
    required: true,
    schema: inputSchema(schema),
  }));
  const query = [
    ...(route.query ? queryParameters(route.query) : []),
    ...(route.csv ? queryParameters(route.csv.query, 'With a `text/csv` body only: the settings of the import') : []),
  ];
  const headers: Parameter[] = [
    ...(takesIdempotencyKey(route)
      ? [
          {
            name: 'Idempotency-Key',
            in: 'header' as const,
            required: false,
            description: 'Makes a retry safe: the same key and body get the first answer again, for 24 hours',
            schema: { type: 'string', pattern: idempotencyKeyPattern.source },
          },
        ]
      : []),
    ...(route.visitor
      ? [
          {
            name: forwardedForHeader,
            in: 'header' as const,
            required: false,
            description: 'The IP address of the visitor the host calls for: failed tries count against it',
            schema: { type: 'string', anyOf: [{ format: 'ipv4' }, { format: 'ipv6' }] },
          },
        ]
      : []),
  ];
  return [...path, ...query, ...headers];
}

/** The codes any route of this shape can answer, beside its own. */
function commonErrors(route: RouteDefinition): ErrorCode[] {
  // A request part with a schema, or a header checked for its form.
  const validated = Boolean(route.body ?? route.query ?? route.params ?? route.visitor) || takesIdempotencyKey(route);
  return [
    ...(route.body ? (['malformed_request', 'payload_too_large'] as const) : []),
    ...(route.access === 'public' ? [] : (['unauthorized'] as const)),
    ...(route.access === 'platformKey' ? (['forbidden'] as const) : []),
    ...(takesIdempotencyKey(route) ? (['idempotency_key_reused', 'idempotency_key_in_use'] as const) : []),
    ...(validated ? (['validation_failed'] as const) : []),
    'internal_error',
    ...(route.access === 'public' && route.tag === 'Health' ? [] : (['unavailable'] as const)),
  ];
}

/** Refusals that lift with time say when to try again. */
const retriedLater = new Set<ErrorCode>([
  'resend_too_soon',
  'too_many_attempts',
  'unavailable',
  'idempotency_key_in_use',
  'invitation_cap_reached',
]);

function problemAnswers(codes: ErrorCode[]): Record<string, Response> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set(codes)) byStatus.set(errorCodes[code], [...(byStatus.get(errorCodes[code]) ?? []), code]);
  return Object.fromEntries(
    [...byStatus].map(([status, list]) => [
      status,
      {
        description: `Problem: ${list.map((code) => `\`${code}\``).join(', ')}`,
        ...(list.some((code) => retriedLater.has(code)) && {
          headers: {
            'Retry-After': {
              description: `Seconds until a retry may succeed (with ${list
                .filter((code) => retriedLater.has(code))
                .map((code) => `\`${code}\``)
                .join(', ')})`,
              schema: { type: 'string', pattern: '^[0-9]+$' },
            },
          },
        }),
        content: {
          'application/problem+json': {
            schema: { allOf: [ref(problemSchema), { properties: { code: { enum: list } } }] },
          },
        },
      },
    ]),
  );
}

function answer(given: Answer): Response {
  const { description, headers } = given;
  return {
    description,
    ...(headers && {
      headers: Object.fromEntries(
        Object.entries(headers).map(([name, text]) => [
          name,
          { description: text, required: true, schema: { type: 'string' } },
        ]),
      ),
    }),
    ...('schema' in given && { content: { 'application/json': { schema: ref(given.schema) } } }),
    ...('media' in given && {
      content: {
        [given.media]: {
          schema: given.media === 'text/plain' ? { type: 'string' } : { type: 'string', format: 'binary' },
        },
      },
    }),
  };
}

function requestBody(route: RouteDefinition): Operation['requestBody'] {
  if (!route.body) return undefined;
  const mediaType = route.form ? 'application/x-www-form-urlencoded' : 'application/json';
  return {
    // The API reads a missing body as `{}`, so it is optional when `{}` passes.
    required: !route.body.safeParse({}).success,
    content: {
      [mediaType]: { schema: inputSchema(route.body) },
      ...(route.csv && { 'text/csv': { schema: { type: 'string', pattern: storable } } }),
    },
  };
}

function operation(operationId: string, route: RouteDefinition): Operation {
  const responses = {
    ...problemAnswers([...route.errors, ...commonErrors(route)]),
    ...Object.fromEntries(Object.entries<Answer>(route.answers).map(([s, a]) => [s, answer(a)])),
  };
  const params = parameters(route);
  const body = requestBody(route);
  return {
    operationId,
    tags: [route.tag],
    summary: route.summary,
    ...(route.description && { description: route.description }),
    ...(route.access === 'public' && { security: [] }),
    ...(params.length > 0 && { parameters: params }),
    ...(body && { requestBody: body }),
    responses: Object.fromEntries(Object.entries(responses).sort(([a], [b]) => Number(a) - Number(b))),
    ...beyondSchema(route),
  };
}

function beyondSchema(route: RouteDefinition): Pick<Operation, 'x-refused-beyond-schema'> {
  const codes = [...new Set(route.errors)].filter((code) => errorCodes[code] === 422 && code !== 'validation_failed');
  const fields = route.beyondSchema ?? [];
  return codes.length > 0 || fields.length > 0 ? { 'x-refused-beyond-schema': { codes, fields } } : {};
}

function paths(): OpenApiDocument['paths'] {
  const result: OpenApiDocument['paths'] = {};
  for (const [operationId, route] of routeEntries) {
    const path = route.path.replaceAll(/:(\w+)/g, '{$1}');
    result[path] = { ...result[path], [route.method]: operation(operationId, route) };
  }
  return result;
}

/** The OpenAPI 3.1 description of the HTTP API, built by walking the route declarations. */
export function openApiDocument(): OpenApiDocument {
  const { version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
  const lifted = withDefsLifted(paths());
  return {
    openapi: '3.1.1',
    info: {
      title: 'inviteflow',
      version,
      description:
        'Headless invitation engine. Errors are `application/problem+json` (RFC 9457) with a stable `code` to match on; ' +
        'each operation lists the codes it can answer with. A method a path does not list is a 405 with `Allow`.',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    tags: [...new Set(routeEntries.map(([, route]) => route.tag))].map((name) => ({ name })),
    security: [{ apiKey: [] }],
    paths: lifted.paths,
    components: {
      schemas: { ...componentSchemas(), ...lifted.schemas },
      securitySchemes: {
        apiKey: {
          type: 'http',
          scheme: 'bearer',
          description: 'A platform or workspace API key: `Authorization: Bearer <key>`',
        },
      },
    },
  };
}
