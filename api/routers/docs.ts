import { createHash } from 'node:crypto';
import { Router } from 'express';
import {
  openApiDocument,
  type Content,
  type JsonSchema,
  type OpenApiDocument,
  type Operation,
  type Parameter,
} from '../openapi';

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char] ?? char,
  );

/** Escaped text with its `backtick` spans as code, the one markup the descriptions use. */
const prose = (text: string) => escapeHtml(text).replace(/`([^`]+)`/g, '<code>$1</code>');

const componentName = (ref: string) => ref.replace('#/components/schemas/', '');

function typeLabel(schema: JsonSchema): string {
  if (typeof schema.$ref === 'string') {
    const name = componentName(schema.$ref);
    return `<a href="#schema-${escapeHtml(name)}">${escapeHtml(name)}</a>`;
  }
  const union = (schema.anyOf ?? schema.oneOf ?? schema.allOf) as JsonSchema[] | undefined;
  if (union) return union.map(typeLabel).filter(Boolean).join(' | ');
  if ('const' in schema) return `<code>${escapeHtml(JSON.stringify(schema.const))}</code>`;
  if (schema.type === 'array') {
    const items = typeLabel((schema.items ?? {}) as JsonSchema);
    return items.includes(' | ') ? `(${items})[]` : `${items}[]`;
  }
  return [schema.type ?? ''].flat().map(String).map(escapeHtml).join(' | ');
}

const constraintKeys = [
  'minLength',
  'maxLength',
  'minItems',
  'maxItems',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
];

const nonNullBranches = (schema: JsonSchema) =>
  ((schema.anyOf ?? schema.oneOf ?? []) as JsonSchema[]).filter((branch) => branch.type !== 'null');

/** The constraints of a field, a nullable one's included. */
function notes(schema: JsonSchema): string {
  const list: string[] = [];
  if (typeof schema.description === 'string') list.push(prose(schema.description));
  if (Array.isArray(schema.enum))
    list.push(`one of ${schema.enum.map((value) => `<code>${escapeHtml(String(value))}</code>`).join(', ')}`);
  if (typeof schema.format === 'string') list.push(`format ${escapeHtml(schema.format)}`);
  // A format says it better than the long pattern zod pairs with it.
  else if (typeof schema.pattern === 'string') list.push(`pattern <code>${escapeHtml(schema.pattern)}</code>`);
  for (const key of constraintKeys) if (key in schema) list.push(`${key} ${escapeHtml(String(schema[key]))}`);
  if ('default' in schema) list.push(`default <code>${escapeHtml(JSON.stringify(schema.default))}</code>`);
  const items = schema.type === 'array' ? notes((schema.items ?? {}) as JsonSchema) : '';
  return [...list, ...nonNullBranches(schema).map(notes), items && `items: ${items}`].filter(Boolean).join('; ');
}

/** One row per field, nested fields dotted (`invitee.email`, `events[].at`), so a whole body reads as one table. */
function fieldRows(schema: JsonSchema, prefix = ''): string[] {
  const branches = nonNullBranches(schema);
  if (branches.length > 0) return branches.flatMap((branch) => fieldRows(branch, prefix));
  if (schema.type === 'array') return fieldRows((schema.items ?? {}) as JsonSchema, `${prefix}[]`);
  if (schema.type !== 'object') return [];
  const required = (schema.required ?? []) as string[];
  return Object.entries((schema.properties ?? {}) as Record<string, JsonSchema>).flatMap(([name, property]) => {
    const path = prefix ? `${prefix}.${name}` : name;
    const row = `<tr><td><code>${escapeHtml(path)}</code>${required.includes(name) ? ' <b>required</b>' : ''}</td><td>${typeLabel(property)}</td><td>${notes(property)}</td></tr>`;
    return [row, ...fieldRows(property, path)];
  });
}

function schemaTable(schema: JsonSchema): string {
  const rows = fieldRows(schema);
  if (rows.length === 0) return `<p>${typeLabel(schema)} ${notes(schema)}</p>`;
  return `<table><tr><th>Field</th><th>Type</th><th>Notes</th></tr>${rows.join('')}</table>`;
}

function parametersTable(parameters: Parameter[]): string {
  const rows = parameters.map(
    (p) =>
      `<tr><td><code>${escapeHtml(p.name)}</code>${p.required ? ' <b>required</b>' : ''}</td><td>${p.in}</td><td>${typeLabel(p.schema)}</td><td>${notes(p.schema)}</td></tr>`,
  );
  return `<h4>Parameters</h4><table><tr><th>Name</th><th>In</th><th>Type</th><th>Notes</th></tr>${rows.join('')}</table>`;
}

const bodyOf = (content: Content | undefined) => Object.entries(content ?? {})[0];

function operationSection(method: string, path: string, op: Operation): string {
  const body = bodyOf(op.requestBody?.content);
  const responses = Object.entries(op.responses).map(([status, response]) => {
    const answer = bodyOf(response.content);
    const headers = Object.keys(response.headers ?? {}).map((name) => `header <code>${escapeHtml(name)}</code>`);
    const shape = [...(answer ? [`${escapeHtml(answer[0])} ${typeLabel(answer[1].schema)}`] : []), ...headers].join(
      '; ',
    );
    return `<tr><td>${status}</td><td>${prose(response.description)}</td><td>${shape}</td></tr>`;
  });
  return `<section id="${escapeHtml(op.operationId)}">
<h3><span class="method ${method}">${method.toUpperCase()}</span> <code>${escapeHtml(path)}</code></h3>
<p>${prose(op.summary)}${op.security ? ' <i>No API key needed.</i>' : ''}</p>
${op.description ? `<p>${prose(op.description)}</p>` : ''}
${op.parameters ? parametersTable(op.parameters) : ''}
${
  body
    ? `<h4>Request body (${escapeHtml(body[0])}${op.requestBody?.required ? ', required' : ', optional'})</h4>${schemaTable(body[1].schema)}
<details><summary>JSON Schema</summary><pre>${escapeHtml(JSON.stringify(body[1].schema, null, 2))}</pre></details>`
    : ''
}
<h4>Responses</h4><table><tr><th>Status</th><th>Meaning</th><th>Body</th></tr>${responses.join('')}</table>
</section>`;
}

const style = `body{font:15px/1.5 system-ui,sans-serif;margin:0;display:flex;color:#1d2330}
nav{position:sticky;top:0;height:100vh;overflow:auto;width:19rem;flex:none;padding:1rem;background:#f4f5f7;box-sizing:border-box}
nav ul{list-style:none;padding-left:.5rem}nav li{overflow-wrap:anywhere}nav a{text-decoration:none;color:inherit}main{padding:1rem 2rem;min-width:0;flex:1}
section{border-top:1px solid #d8dbe0;padding:.5rem 0 1rem}table{border-collapse:collapse;margin:.5rem 0;width:100%}
td,th{border:1px solid #d8dbe0;padding:.25rem .5rem;text-align:left;vertical-align:top}td:first-child{white-space:nowrap}code{font-size:90%;overflow-wrap:anywhere}
pre{background:#f4f5f7;padding:.5rem;overflow:auto}.method{padding:0 .4rem;border-radius:3px;color:#fff;background:#5b6472}
.get{background:#2f7d4f}.post{background:#2d5fa8}.put{background:#9a6a14}.patch{background:#6b4fa0}.delete{background:#a83232}`;

/** No script at all: the page is the document rendered once, so nothing but this stylesheet may load. */
const contentSecurityPolicy = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(style).digest('base64')}'`,
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

function renderPage(document: OpenApiDocument): string {
  const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ method, path, op })),
  );
  const nav = document.tags.map(({ name }) => {
    const links = operations
      .filter(({ op }) => op.tags.includes(name))
      .map(
        ({ method, path, op }) =>
          `<li><a href="#${escapeHtml(op.operationId)}" title="${escapeHtml(path)}"><b>${method.toUpperCase()}</b> ${prose(op.summary)}</a></li>`,
      );
    return `<li>${escapeHtml(name)}<ul>${links.join('')}</ul></li>`;
  });
  const schemas = Object.entries(document.components.schemas).map(
    ([name, schema]) =>
      `<section id="schema-${escapeHtml(name)}"><h3>${escapeHtml(name)}</h3>${schemaTable(schema)}</section>`,
  );
  const title = `${document.info.title} ${document.info.version}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)} API reference</title><style>${style}</style></head>
<body><nav><p><b>${escapeHtml(title)}</b></p><p><a href="/openapi.json">openapi.json</a></p>
<ul>${nav.join('')}<li><a href="#schemas">Schemas</a></li></ul></nav>
<main><h1>${escapeHtml(title)} API reference</h1><p>${prose(document.info.description)}</p>
<p>Send an API key as <code>Authorization: Bearer &lt;key&gt;</code> to every <code>/v1</code> route.</p>
${operations.map(({ method, path, op }) => operationSection(method, path, op)).join('\n')}
<h2 id="schemas">Schemas</h2>${schemas.join('\n')}</main></body></html>`;
}

/** The API's description, for tools (`/openapi.json`) and for people (`/docs`); mounted before authentication. */
export function docsRouter(): Router {
  const document = openApiDocument();
  const json = JSON.stringify(document);
  const page = renderPage(document);
  const router = Router();

  router.get('/openapi.json', (_req, res) => {
    res.type('json').send(json);
  });

  router.get('/docs', (_req, res) => {
    res
      .set({
        'content-security-policy': contentSecurityPolicy,
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
      })
      .type('html')
      .send(page);
  });

  return router;
}
