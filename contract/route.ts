import type { z } from 'zod';
import type { ErrorCode } from '../domain/error-codes';

export type Method = 'get' | 'put' | 'patch' | 'post' | 'delete';

/**
 * Who may call a route: anyone (probes, signed provider callbacks), any API
 * key (a workspace key only in its own workspace), or a platform key only.
 */
export type Access = 'public' | 'apiKey' | 'platformKey';

/** Response headers a route sets, by name, with what they carry. */
export type HeaderDocs = Readonly<Record<string, string>>;

export interface JsonAnswer {
  readonly description: string;
  /** An answer schema with an `id` in its metadata: it becomes a component of the document. */
  readonly schema: z.ZodType;
  readonly headers?: HeaderDocs;
}

/** An image, a document or text instead of JSON. */
export interface MediaAnswer {
  readonly description: string;
  readonly media: 'image/png' | 'image/svg+xml' | 'application/pdf' | 'text/plain';
  readonly headers?: HeaderDocs;
}

export interface EmptyAnswer {
  readonly description: string;
  readonly headers?: HeaderDocs;
}

export type Answer = JsonAnswer | MediaAnswer | EmptyAnswer;

/** The `:name` parameters of an Express path. */
export type PathParamNames<Path extends string> = Path extends `${string}:${infer Name}/${infer Rest}`
  ? Name | PathParamNames<`/${Rest}`>
  : Path extends `${string}:${infer Name}`
    ? Name
    : never;

export interface RouteDefinition {
  readonly method: Method;
  /** As Express declares it, `:name` parameters and all. */
  readonly path: string;
  readonly tag: string;
  readonly summary: string;
  readonly description?: string;
  readonly access: Access;
  readonly params?: Readonly<Record<string, z.ZodType>>;
  readonly query?: z.ZodType;
  /** A JSON body, or a form when `form` is set. */
  readonly body?: z.ZodType;
  /** A form-encoded body (a provider's callback) instead of JSON. */
  readonly form?: true;
  /**
   * The body is read as bytes, whatever its declared type, for `before` to
   * check a signature over exactly what was sent; then parsed as JSON.
   */
  readonly signedBody?: true;
  /** Also takes a `text/csv` body, whose settings come as these query fields instead of in the JSON body. */
  readonly csv?: { readonly query: z.ZodType };
  /** Failed tries count against the visitor the host names in `Inviteflow-Forwarded-For`. */
  readonly visitor?: true;
  /**
   * Where the route refuses what its schemas allow, by rules JSON Schema
   * cannot state (a workspace's own roles, a cursor it issued, a valid phone
   * number): the fields, or prefixes of them, a 422 `validation_failed` names.
   */
  readonly beyondSchema?: readonly string[];
  readonly answers: Readonly<Record<number, Answer>>;
  /** The route's own problem codes; the ones every route, body, query or key can give are added. */
  readonly errors: readonly ErrorCode[];
}

/** Every path parameter has its schema, and no other is declared. */
type ParamsFor<Path extends string> = [PathParamNames<Path>] extends [never]
  ? { readonly params?: undefined }
  : { readonly params: { readonly [Name in PathParamNames<Path>]: z.ZodType } };

/** Declares a route once: its router, the OpenAPI document and the client's types all come from this. */
export function route<const R extends RouteDefinition>(definition: R & ParamsFor<R['path']>): R {
  return definition;
}

type Output<S> = S extends z.ZodType ? z.output<S> : undefined;

/** What a handler gets, each part parsed with its schema. */
export interface Parsed<R extends RouteDefinition> {
  params: R['params'] extends Readonly<Record<string, z.ZodType>>
    ? { [Name in keyof R['params']]: Output<R['params'][Name]> }
    : Record<string, never>;
  query: Output<R['query']>;
  body: R['csv'] extends { query: infer Q }
    ? { csv: false; json: Output<R['body']> } | { csv: true; text: string; query: Output<Q> }
    : Output<R['body']>;
}

type ReplyFor<Status, A> = A extends { schema: infer S extends z.ZodType }
  ? { status: Status; body: z.input<S>; headers?: Record<string, string> }
  : A extends { media: string }
    ? { status: Status; body: Buffer | string; headers?: Record<string, string> }
    : { status: Status; headers?: Record<string, string> };

/** What a handler answers: one of the route's declared statuses, with a body of its schema. */
export type Reply<R extends RouteDefinition> = {
  [Status in keyof R['answers']]: ReplyFor<Status, R['answers'][Status]>;
}[keyof R['answers']];

// The client's side: what a caller sends and gets.
/** A JSON request body as the route's schema accepts it, defaults left optional. */
export type RequestBody<R extends RouteDefinition> = R['body'] extends z.ZodType ? z.input<R['body']> : never;
/** Query fields in their parsed form: a number is a number, not the text the query string carries. */
export type RequestQuery<R extends RouteDefinition> = R['query'] extends z.ZodType
  ? Partial<z.output<R['query']>>
  : never;
/** The JSON answer of a status. */
export type AnswerBody<R extends RouteDefinition, Status extends keyof R['answers']> = R['answers'][Status] extends {
  schema: infer S extends z.ZodType;
}
  ? z.output<S>
  : never;
