// Finding the route for a request: the group whose prefix the path starts
// with, then the route whose method and pattern match the rest. Patterns are
// split once per route (cached); a `:name` segment matches one non-empty
// segment, decoded (RFC 3986 §2.1), and never a '/' (an encoded %2F stays
// inside its segment).

import type { Route, RouteGroup } from './route.ts';

type Segment = { literal: string } | { param: string };

const compiled = new WeakMap<object, readonly Segment[]>();

function segmentsOf(route: Route<unknown, unknown, unknown>): readonly Segment[] {
  let segments = compiled.get(route);
  if (segments === undefined) {
    segments = route.path.split('/').slice(1).map((s) => (s.startsWith(':') ? { param: s.slice(1) } : { literal: s }));
    compiled.set(route, segments);
  }
  return segments;
}

/** The params of `path` under `route`'s pattern, or undefined when it does not match. */
export function matchPath(route: Route<unknown, unknown, unknown>, path: string): Record<string, string> | undefined {
  const segments = segmentsOf(route);
  const parts = path.split('/').slice(1);
  if (parts.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const want = segments[i];
    if ('literal' in want) {
      if (want.literal !== parts[i]) return undefined;
      continue;
    }
    if (parts[i] === '') return undefined;
    try {
      params[want.param] = decodeURIComponent(parts[i]);
    } catch {
      return undefined; // a malformed escape matches nothing: 404
    }
  }
  return params;
}

export interface Match<C> {
  group: RouteGroup<C>;
  route: Route<unknown, unknown, C>;
  /** The path below the group's prefix. */
  path: string;
  params: Record<string, string>;
}

/** The first route (in group order, then route order) for `method` and `pathname`. */
export function findRoute<C>(groups: Iterable<RouteGroup<C>>, method: string, pathname: string): Match<C> | undefined {
  for (const group of groups) {
    const { prefix } = group;
    if (prefix !== '' && !(pathname.startsWith(prefix) && pathname.charCodeAt(prefix.length) === 0x2f)) continue;
    const path = pathname.slice(prefix.length);
    for (const route of group.routes) {
      if (route.method !== method) continue;
      const params = matchPath(route, path);
      if (params !== undefined) return { group, route, path, params };
    }
  }
  return undefined;
}
