// Routes as data. An endpoint is what a client needs to know (method, path
// pattern with :params, how the body is checked, the result type); a route
// is an endpoint with the handler that serves it. A handler returns a value
// (sent as JSON, 200) or a Reply (another status, NDJSON, SSE), or throws an
// OctantError, which errors.ts turns into a status and a body.
// Nothing here touches a socket: serve.ts does, through the adapters.

import type { IncomingHttpHeaders } from 'node:http';
import type { Infer, Schema } from '../schema.ts';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** How a body is checked: a schema (the validator the config file uses too) or a function returning the typed value or throwing. */
export type BodySpec<B> = Schema | ((value: unknown) => B);

export interface Endpoint<B = unknown, R = unknown> {
  method: Method;
  /** Below the group's prefix; segments `:name` are parameters ('/agents/:aid'). */
  path: string;
  /** Absent: the route takes no body (one sent anyway is read, checked as JSON and passed on unchecked). */
  body?: BodySpec<unknown>;
  /** Never set: the type `body` yields (Infer of the schema, or the check's return type). */
  readonly bodyType?: B;
  /** Never set: carries the result type to the typed client (client.ts). */
  readonly result?: R;
}

interface EndpointSpec {
  method: Method;
  path: string;
  body?: Schema | ((value: unknown) => unknown);
}

/** The body type a spec yields: a schema's Infer, a check function's return type. */
export type BodyOf<S> = S extends { body: infer B }
  ? B extends (value: unknown) => infer T ? T : B extends Schema ? Infer<B> : unknown
  : undefined;

/**
 * Declare an endpoint: endpoint<Result>()({ method, path, body }). The two
 * calls let the result type be named while the body type is inferred from
 * the schema (declare it inline or `as const`).
 */
export function endpoint<R = unknown>(): <const S extends EndpointSpec>(spec: S) => Endpoint<BodyOf<S>, R> {
  return (spec) => {
    const declared: Endpoint<BodyOf<typeof spec>, R> = { method: spec.method, path: spec.path };
    if (spec.body !== undefined) declared.body = spec.body;
    return declared;
  };
}

export interface RouteRequest<B = unknown, C = unknown> {
  method: string;
  /** The path below the group's prefix (e.g. '/tail'). */
  path: string;
  /** Values of the pattern's :params, decoded. */
  params: Readonly<Record<string, string>>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** The body after its check (undefined when none was sent and the route takes none). */
  body: B;
  /** What the group's `context` produced for this request (e.g. the authenticated caller). */
  context: C;
  /** Aborted when the client goes away (long or streamed replies stop). */
  signal: AbortSignal;
}

/** One server-sent event (HTML Living Standard §9.2): an optional event name and its data. */
export interface SseEvent {
  event?: string;
  /** A string is sent as is ('[DONE]'); anything else as JSON. */
  data: unknown;
}

interface ReplyOptions {
  status?: number;
  headers?: Readonly<Record<string, string>>;
  /** Run once the reply has been fully sent (e.g. stop the system after answering). */
  after?: () => void;
}

/** A reply other than "this value as JSON, 200". */
export class Reply<T = unknown> {
  readonly kind: 'json' | 'ndjson' | 'sse';
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly after: (() => void) | undefined;
  readonly body: T | undefined;
  readonly stream: AsyncIterable<unknown> | undefined;

  constructor(kind: 'json' | 'ndjson' | 'sse', options: ReplyOptions, body?: T, stream?: AsyncIterable<unknown>) {
    this.kind = kind;
    this.status = options.status ?? 200;
    this.headers = options.headers ?? {};
    this.after = options.after;
    this.body = body;
    this.stream = stream;
  }
}

/** JSON with another status, headers, or work to run after sending. */
export function json<T>(body: T, options: ReplyOptions = {}): Reply<T> {
  return new Reply('json', options, body);
}

/**
 * Newline-delimited JSON, one value per line, until the iterable ends. The
 * head is written once the first value is there, so a failure before it
 * still gets its own status.
 */
export function ndjson<T>(stream: AsyncIterable<T>, options: ReplyOptions = {}): Reply<AsyncIterable<T>> {
  return new Reply<AsyncIterable<T>>('ndjson', options, undefined, stream);
}

/** Server-sent events (text/event-stream); the head waits for the first event, as for ndjson. */
export function sse(stream: AsyncIterable<SseEvent>, options: ReplyOptions = {}): Reply<AsyncIterable<SseEvent>> {
  return new Reply<AsyncIterable<SseEvent>>('sse', options, undefined, stream);
}

/** What a handler may return for an endpoint with result type R. */
export type Result<R> = R | Reply<R> | Promise<R | Reply<R>>;

export interface Route<B = unknown, R = unknown, C = unknown> extends Endpoint<B, R> {
  handler(request: RouteRequest<B, C>): Result<R>;
}

/** Attach a handler to an endpoint; the handler's body and result types follow the endpoint. */
export function route<B, R, C = unknown>(declared: Endpoint<B, R>, handler: (request: RouteRequest<B, C>) => Result<R>): Route<B, R, C> {
  return { ...declared, handler };
}

/** How errors read on one surface: the body for a status (OpenAI, Anthropic and the admin API differ). */
export interface ErrorShape {
  body(error: unknown, status: number): unknown;
  /** The event name of an error sent inside an SSE stream (Anthropic: 'error'); none for OpenAI. */
  sseEvent?: string;
  /** Statuses of codes only this surface knows (e.g. 402 for a spent budget), checked first. */
  statuses?: Readonly<Record<string, number>>;
}

/**
 * Routes mounted under one prefix, sharing what runs before the body is read
 * (`context`: authentication, which may throw a 401) and how errors read.
 */
export interface RouteGroup<C = unknown> {
  /** '' or '/v1/vault': the routes' paths are below it. */
  prefix: string;
  /** Each was type-checked where it was declared (a handler is a method, so a typed one fits here). */
  routes: readonly Route<unknown, unknown, C>[];
  context?: (request: { method: string; path: string; headers: IncomingHttpHeaders }) => C | Promise<C>;
  errors?: ErrorShape;
}

/** A route declared in one go, for surfaces whose endpoints no client needs apart (and tests). */
export function on<R>(method: Method, path: string, handler: (request: RouteRequest) => Result<R>): Route<unknown, R, unknown> {
  return { method, path, handler };
}

/** route() for the routes of a group whose `context` yields C (e.g. the authenticated caller). */
export function routeWith<C>(): <B, R>(declared: Endpoint<B, R>, handler: (request: RouteRequest<B, C>) => Result<R>) => Route<B, R, C> {
  return (declared, handler) => ({ ...declared, handler });
}
