import fc from 'fast-check';
import { openApiDocument, type JsonSchema, type Operation } from '../../../api/openapi';

/** One documented route, as the app serves it. */
export interface Endpoint {
  method: string;
  /** OpenAPI form: `/v1/workspaces/{ws}`. */
  path: string;
  operation: Operation;
  /** The JSON Schema of its request body, if it takes one. */
  bodySchema?: JsonSchema;
  /** The query parameters it documents. */
  query: string[];
}

/** Ids that exist in the test's database, to fill path parameters with. */
export interface ExistingIds {
  ws: string;
  invitationId: string;
  bulkId: string;
  userId: string;
  webhookEndpointId: string;
  deliveryId: string;
  templateName: string;
  locale: string;
}

/** Every route of the OpenAPI document the app serves: a new route is fuzzed without touching these tests. */
export function documentedEndpoints(): Endpoint[] {
  return Object.entries(openApiDocument().paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => {
      const content = operation.requestBody?.content ?? {};
      const bodySchema = Object.values(content)[0]?.schema;
      return {
        method: method.toUpperCase(),
        path,
        operation,
        ...(bodySchema && { bodySchema }),
        query: (operation.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
      };
    }),
  );
}

/**
 * Calls that destroy the fixtures other calls need (delete, revoke, erase,
 * rotate, cancel) get only ids that do not exist, or the suite would spend
 * its runs on 404s after the first accepted one.
 */
function destroysFixture(endpoint: Endpoint): boolean {
  return (
    endpoint.method === 'DELETE' || /revoke|reject|rotate|cancel|erase|replay/i.test(endpoint.operation.operationId)
  );
}

function existingValue(path: string, name: string, ids: ExistingIds): string {
  switch (name) {
    case 'ws':
      return ids.ws;
    case 'userId':
      return ids.userId;
    case 'deliveryId':
      return ids.deliveryId;
    case 'name':
      return ids.templateName;
    case 'locale':
      return ids.locale;
    case 'id':
      if (path.includes('/webhook-endpoints/')) return ids.webhookEndpointId;
      if (path.includes('/bulk/')) return ids.bulkId;
      return ids.invitationId;
    default:
      throw new Error(`no existing id for path parameter {${name}} of ${path}: add one to ExistingIds`);
  }
}

/** Path segments as a client might send them: random text, encoded or raw, long, or percent-escapes that do not decode. */
export const randomSegment: fc.Arbitrary<string> = fc.oneof(
  fc.string({ minLength: 1, maxLength: 40 }).map(encodeURIComponent),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }).map(encodeURIComponent),
  fc.constantFrom('%zz', '%', '%00', '%C0%AF', '..%2F..', '%2e%2e', 'null', 'undefined', '0', '-1', '__proto__'),
  fc.integer({ min: 65, max: 1_000 }).map((length) => 'x'.repeat(length)),
  fc.stringMatching(/^[A-Za-z0-9_.-]{1,70}$/),
);

/** The PNG and PDF renderings, hundreds of milliseconds each while every other answer takes tens. */
const rendersImage = (endpoint: Endpoint) => /\.(png|pdf)$/.test(endpoint.path);

/** One of the endpoints, the slow renderings picked rarely so the runs go to the many fast ones. */
export function endpointArbitrary(endpoints: Endpoint[]): fc.Arbitrary<Endpoint> {
  return fc.oneof(
    ...endpoints.map((endpoint) => ({ arbitrary: fc.constant(endpoint), weight: rendersImage(endpoint) ? 1 : 10 })),
  );
}

/** The URL path of an endpoint, its parameters each either an existing id or random. */
export function pathArbitrary(endpoint: Endpoint, ids: ExistingIds): fc.Arbitrary<string> {
  const names = [...endpoint.path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!);
  const keepFixture = destroysFixture(endpoint);
  const segments = names.map((name) => {
    const existing = encodeURIComponent(existingValue(endpoint.path, name, ids));
    // The workspace may be real: the id inside it is then never the fixture's.
    if (keepFixture && !(name === 'ws' && names.length > 1)) return randomSegment;
    return fc.oneof({ arbitrary: fc.constant(existing), weight: 3 }, { arbitrary: randomSegment, weight: 1 });
  });
  return fc
    .tuple(...segments)
    .map((values) => names.reduce((path, name, i) => path.replace(`{${name}}`, values[i]!), endpoint.path));
}
