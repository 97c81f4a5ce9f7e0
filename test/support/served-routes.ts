// Calls to routes a test serves itself (with on(), no declaration of their
// own), through the same typed admin client the CLI uses: the endpoint is
// declared in place from its method and path (a query may ride on the path).

import type { Endpoint, Method } from '../../src/lib/http/route.ts';
import { admin } from '../../src/runtime/admin/client.ts';
import type { Paths } from '../../src/runtime/paths.ts';

/** `path` is the whole /v1/... path, as the server sees it. */
function declared<R>(method: Method, path: string): Endpoint<unknown, R> {
  return { method, path: path.replace(/^\/v1/, '') };
}

/** The body of a 2xx reply; the server's error rethrown otherwise. */
export function callServed<T = unknown>(paths: Paths, method: Method, path: string, body?: unknown): Promise<T> {
  return admin(paths).call(declared<T>(method, path), body);
}

/** A streamed (NDJSON) reply, value by value. */
export function streamServed(paths: Paths, method: Method, path: string, body?: unknown): AsyncGenerator<unknown> {
  return admin(paths).stream(declared<AsyncIterable<unknown>>(method, path), body);
}
