import fc from 'fast-check';
import type { JsonSchema } from '../../../api/openapi';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * A body that fits a JSON Schema as far as the schema says (required and
 * optional fields, formats, enums, minimums): the valid starting point that
 * mutations then break one field at a time.
 */
export function exampleOf(schema: JsonSchema | undefined): Json {
  if (!schema) return {};
  const s = schema as {
    type?: string | string[];
    enum?: Json[];
    const?: Json;
    default?: Json;
    format?: string;
    minimum?: number;
    minLength?: number;
    minItems?: number;
    properties?: Record<string, JsonSchema>;
    items?: JsonSchema;
    anyOf?: JsonSchema[];
    oneOf?: JsonSchema[];
    allOf?: JsonSchema[];
  };
  if (s.const !== undefined) return s.const;
  if (s.enum) return s.enum[0] ?? null;
  if (s.default !== undefined) return s.default;
  // With a type of its own, `anyOf` and the like constrain it (which fields are required), they do not replace it.
  const choice = s.type === undefined ? (s.anyOf?.[0] ?? s.oneOf?.[0] ?? s.allOf?.[0]) : undefined;
  if (choice) return exampleOf(choice);
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type;
  switch (type) {
    case 'object':
      return Object.fromEntries(Object.entries(s.properties ?? {}).map(([key, value]) => [key, exampleOf(value)]));
    case 'array':
      return Array.from({ length: Math.max(1, s.minItems ?? 0) }, () => exampleOf(s.items));
    case 'string':
      if (s.format === 'email') return 'ana@example.org';
      if (s.format === 'uri') return 'https://example.org/hooks';
      if (s.format === 'date-time') return '2026-01-02T03:04:05.000Z';
      return 'x'.repeat(Math.max(1, s.minLength ?? 1));
    case 'integer':
    case 'number':
      return Math.max(1, s.minimum ?? 1);
    case 'boolean':
      return true;
    default:
      return null;
  }
}

/** Every path into a JSON value, the empty path (the whole value) included. */
function pathsOf(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  const here = [prefix];
  if (Array.isArray(value)) return [...here, ...value.flatMap((item, i) => pathsOf(item, [...prefix, i]))];
  if (value !== null && typeof value === 'object')
    return [...here, ...Object.entries(value).flatMap(([key, item]) => pathsOf(item, [...prefix, key]))];
  return here;
}

function deeplyNested(depth: number): Json {
  let value: Json = 'bottom';
  for (let i = 0; i < depth; i += 1) value = i % 2 === 0 ? [value] : { a: value };
  return value;
}

type Mutation = { path: (string | number)[]; change: 'delete' | 'set'; value?: Json };

/** The bad values a field may get instead of its own. */
const wrongValue: fc.Arbitrary<Json> = fc.oneof(
  fc.constant(null),
  fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
  fc.constantFrom<Json>('', ' ', 0, -1, 1e308, -0, true, false, [], {}, '__proto__', 'constructor'),
  fc.integer({ min: 1_000, max: 200_000 }).map((length) => 'x'.repeat(length)),
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.string({ unit: 'grapheme', maxLength: 60 }),
  fc.constantFrom('\u0000', '\ud800', '\ufeff', 'a\u0000b', '\u202e', 'e\u0301', '😀'.repeat(300)),
  fc.integer({ min: 50, max: 3_000 }).map(deeplyNested),
);

function applyMutations(valid: Json, mutations: Mutation[]): Json {
  let body: Json = structuredClone(valid);
  for (const { path, change, value } of mutations) {
    if (path.length === 0) {
      body = change === 'delete' ? null : (value ?? null);
      continue;
    }
    let parent: Json = body;
    for (const key of path.slice(0, -1)) {
      if (parent === null || typeof parent !== 'object') break;
      parent = (parent as Record<string, Json>)[key as string] ?? null;
    }
    if (parent === null || typeof parent !== 'object') continue;
    const last = path[path.length - 1]!;
    if (change === 'delete' && Array.isArray(parent)) parent.splice(Number(last), 1);
    else if (change === 'delete') delete (parent as Record<string, Json>)[last];
    else (parent as Record<string, Json>)[last] = value ?? null;
  }
  return body;
}

/** A valid body with one to three fields dropped, retyped, nulled, blown up, or with fields added. */
export function mutatedBody(valid: Json): fc.Arbitrary<Json> {
  const paths = pathsOf(valid);
  const extraPaths = paths
    .filter((path) => {
      const target = path.reduce<Json>((value, key) => (value as Record<string, Json>)?.[key] ?? null, valid);
      return target !== null && typeof target === 'object';
    })
    .map((path) => [...path, 'unexpected']);
  const mutation: fc.Arbitrary<Mutation> = fc.oneof(
    fc.record({ path: fc.constantFrom(...paths), change: fc.constant('delete' as const) }),
    fc.record({ path: fc.constantFrom(...paths), change: fc.constant('set' as const), value: wrongValue }),
    fc.record({ path: fc.constantFrom(...extraPaths), change: fc.constant('set' as const), value: wrongValue }),
  );
  return fc.array(mutation, { minLength: 1, maxLength: 3 }).map((mutations) => applyMutations(valid, mutations));
}

/** Any JSON value, and objects of any JSON values, including what `fc.anything` makes once sent as JSON. */
export const randomJson: fc.Arbitrary<Json> = fc.oneof(
  fc.jsonValue() as fc.Arbitrary<Json>,
  fc.object({ maxDepth: 3 }).map((value) => JSON.parse(JSON.stringify(value) ?? 'null') as Json),
  fc
    .anything({ withBigInt: false, withDate: true, withMap: true, withSet: true, withTypedArray: true })
    .map((value) => JSON.parse(JSON.stringify(value) ?? 'null') as Json),
);

/** Text that is not JSON though it may look like it. */
export const brokenJsonText: fc.Arbitrary<string> = fc.oneof(
  fc
    .json()
    .chain((text) =>
      text.length < 2 ? fc.constant(`${text}{`) : fc.nat({ max: text.length - 1 }).map((end) => text.slice(0, end)),
    ),
  fc.string({ unit: 'binary', maxLength: 200 }).filter((text) => {
    try {
      JSON.parse(text);
      return false;
    } catch {
      return true;
    }
  }),
  fc.constantFrom(
    '{',
    '{"a":',
    "{'a': 1}",
    '{"a": 1,}',
    '[1, 2',
    '{"a": NaN}',
    '{"a": undefined}',
    '\ufeff{"a": 1}',
    '\u0000',
    '{"a":"\u0000\ud800"}',
    'null null',
    '{"__proto__": {"polluted": true}',
  ),
  fc.integer({ min: 1_000, max: 100_000 }).map((depth) => '['.repeat(depth)),
  fc.integer({ min: 1_000, max: 20_000 }).map((depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`),
);

/** What a client may claim its body is. */
export const contentType: fc.Arbitrary<string | undefined> = fc.constantFrom(
  undefined,
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'application/json; charset=nonsense',
  'application/merge-patch+json',
  'application/problem+json',
  'text/plain',
  'text/csv',
  'text/csv; charset=utf-16',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/octet-stream',
  'application/xml',
  '*/*',
  'json',
  '',
  'application/',
  ';;;',
);

/** Header text fetch will send: visible Latin-1 without leading or trailing spaces. */
const headerText = (maxLength: number) =>
  fc
    .string({
      unit: fc.integer({ min: 0x21, max: 0xff }).map((code) => String.fromCharCode(code === 0x7f ? 0x7e : code)),
      maxLength,
    })
    .map((text) => text.trim());

/** Authorization as clients get it wrong, and (mostly) right, so the request gets past authentication. */
export function authorization(apiKey: string): fc.Arbitrary<string | undefined> {
  return fc.oneof(
    { arbitrary: fc.constant(`Bearer ${apiKey}`), weight: 8 },
    {
      arbitrary: fc.oneof(
        fc.constant(undefined),
        fc.constantFrom('', 'Bearer', 'Bearer ', `bearer ${apiKey}`, `Basic ${apiKey}`, `Bearer ${apiKey} extra`),
        fc.constant(`Bearer ${apiKey}x`),
        fc.constant(`Bearer ${'k'.repeat(2_000)}`),
        headerText(300).map((text) => `Bearer ${text}`),
        headerText(300),
      ),
      weight: 2,
    },
  );
}

/** Idempotency-Key: absent, fine, too long, or with characters the pattern refuses. */
export const idempotencyKey: fc.Arbitrary<string | undefined> = fc.oneof(
  { arbitrary: fc.constant(undefined), weight: 4 },
  { arbitrary: fc.uuid(), weight: 1 },
  { arbitrary: fc.integer({ min: 256, max: 1_000 }).map((length) => 'k'.repeat(length)), weight: 1 },
  { arbitrary: headerText(80), weight: 1 },
  { arbitrary: fc.constantFrom('a b', 'é', '\t', 'key\u00ff'), weight: 1 },
);

/** x-request-id: fine, odd, or far too long. */
export const requestId: fc.Arbitrary<string | undefined> = fc.oneof(
  fc.constant(undefined),
  fc.stringMatching(/^[\w.-]{1,64}$/),
  headerText(100),
  fc.integer({ min: 65, max: 1_000 }).map((length) => 'r'.repeat(length)),
);

/** Headers no route reads, which must not change the answer into a 5xx; some over Node's 16 KB limit for all headers. */
export const strayHeaders: fc.Arbitrary<Record<string, string>> = fc.dictionary(
  fc.stringMatching(/^x-[a-z0-9-]{1,20}$/),
  fc.oneof(
    { arbitrary: headerText(200), weight: 19 },
    { arbitrary: fc.integer({ min: 17_000, max: 40_000 }).map((length) => 'h'.repeat(length)), weight: 1 },
  ),
  { maxKeys: 4 },
);

/** A query-string value as sent on the wire: encoded or not, and percent-escapes that do not decode. */
const rawQueryValue: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 30 }).map(encodeURIComponent),
  fc.constantFrom('', '%zz', '%', '%E0%A4%A', '%00', '+', 'true', 'false', '-1', '0', '1e9', 'NaN', 'null', '[]', '{}'),
  fc.integer({ min: 300, max: 1_000 }).map((length) => 'v'.repeat(length)),
  fc.string({ unit: 'grapheme', maxLength: 20 }).map(encodeURIComponent),
);

/** A raw query string over the endpoint's own parameters and some it does not know: repeated keys, `a[]`, `a[b]`. */
export function queryString(known: string[]): fc.Arbitrary<string> {
  const name = fc.oneof(
    ...(known.length > 0 ? [{ arbitrary: fc.constantFrom(...known), weight: 3 }] : []),
    { arbitrary: fc.stringMatching(/^[a-z]{1,8}$/), weight: 1 },
    { arbitrary: fc.constantFrom('__proto__', 'constructor', '%zz', '', 'a.b'), weight: 1 },
  );
  const shape = fc.constantFrom('plain', 'array', 'object', 'bare');
  const pair = fc.tuple(name, shape, rawQueryValue).map(([key, form, value]) => {
    if (form === 'array') return `${key}[]=${value}`;
    if (form === 'object') return `${key}[b]=${value}`;
    if (form === 'bare') return key;
    return `${key}=${value}`;
  });
  return fc
    .array(pair, { maxLength: 6 })
    .chain((pairs) =>
      fc.boolean().map((repeat) => (repeat && pairs.length > 0 ? [...pairs, pairs[0]!] : pairs).join('&')),
    );
}

const csvField: fc.Arbitrary<string> = fc.oneof(
  {
    arbitrary: fc.constantFrom('ana@example.org', 'not-an-email', '+33612345678', 'member', 'admin;member', ''),
    weight: 3,
  },
  { arbitrary: fc.string({ maxLength: 30 }), weight: 2 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 20 }), weight: 1 },
  {
    arbitrary: fc.constantFrom('"quoted"', '"not closed', 'a"b', '"a""b"', '\u0000', 'a\u0000b', '\r', '\n', '\ufeff'),
    weight: 2,
  },
  { arbitrary: fc.integer({ min: 1_000, max: 300_000 }).map((length) => 'f'.repeat(length)), weight: 1 },
);

const csvHeader: fc.Arbitrary<string[]> = fc.oneof(
  fc.constant<string[]>(['email', 'name', 'roles']),
  fc.shuffledSubarray(['email', 'phone', 'name', 'roles', 'groups', 'EMAIL', 'e-mail', 'unknown', ''], {
    minLength: 0,
  }),
  fc.array(fc.string({ maxLength: 10 }), { maxLength: 6 }),
);

/** CSV files as spreadsheets and people make them: ragged rows, open quotes, BOM, NUL, huge fields, thousands of rows. */
export const csvFile: fc.Arbitrary<string> = fc
  .record({
    bom: fc.boolean(),
    header: csvHeader,
    rows: fc.oneof(
      { arbitrary: fc.array(fc.array(csvField, { maxLength: 7 }), { maxLength: 20 }), weight: 5 },
      {
        arbitrary: fc
          .integer({ min: 1_000, max: 12_000 })
          .map((n) => Array.from({ length: n }, (_, i) => [`x${i}`, ''])),
        weight: 1,
      },
    ),
    separator: fc.constantFrom('\n', '\r\n', '\r'),
    unclosedQuote: fc.boolean(),
  })
  .map(({ bom, header, rows, separator, unclosedQuote }) => {
    const text = [header, ...rows].map((cells) => cells.join(',')).join(separator);
    return `${bom ? '\ufeff' : ''}${text}${unclosedQuote ? ',"open' : ''}`;
  });
