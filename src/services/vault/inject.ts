// Credential injection: where a secret goes in an outbound request, and to
// which hosts it may be sent. The agent only ever holds a placeholder
// (`octant-secret:NAME`); the component making the call on its behalf asks
// the vault to put the value in, and the vault refuses any host the secret's
// rule does not list.

import { OctantError, EXIT } from '../../lib/errors.ts';
import type { InjectionRule, OutboundRequest } from './types.ts';
import { HTTP_TOKEN } from '../../lib/http-token.ts';

/** Secret names: what a placeholder can carry and a file can hold. */
export const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

/** `octant-secret:NAME` in an outbound header value stands for the secret NAME. */
export const PLACEHOLDER_RE = /octant-secret:([A-Za-z0-9][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)*)/g;

export function placeholder(name: string): string {
  return `octant-secret:${name}`;
}

function ruleError(field: string, message: string): OctantError {
  return new OctantError('E_VAULT_RULE', `injection rule: ${field}: ${message}`, { exit: EXIT.usage });
}

const HOST_RE = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*|\[[0-9a-f:.]+\])(?::(\d{1,5}))?$/;

/** Check a rule from the operator; returns a normalized copy. */
export function validateRule(value: unknown): InjectionRule {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw ruleError('rule', 'expected an object');
  const r = value as Record<string, unknown>;
  if (!Array.isArray(r.hosts) || r.hosts.length === 0) throw ruleError('hosts', 'expected a non-empty list of host or host:port');
  const hosts = r.hosts.map((h, i) => {
    if (typeof h !== 'string') throw ruleError(`hosts[${i}]`, 'expected a string');
    const host = h.toLowerCase();
    const m = HOST_RE.exec(host);
    if (m === null || (m[1] !== undefined && (Number(m[1]) < 1 || Number(m[1]) > 65535))) {
      throw ruleError(`hosts[${i}]`, `'${h}' is not a host or host:port (no scheme, path, wildcard or userinfo)`);
    }
    return host;
  });
  const text = (field: string): string => {
    const v = r[field];
    if (typeof v !== 'string' || v === '' || /[\r\n\0]/.test(v)) throw ruleError(field, 'expected a non-empty single-line string');
    return v;
  };
  switch (r.kind) {
    case 'header': {
      const name = text('name');
      if (!HTTP_TOKEN.test(name)) throw ruleError('name', `'${name}' is not an HTTP header name`);
      const format = r.format === undefined ? '{secret}' : text('format');
      if (!format.includes('{secret}')) throw ruleError('format', "must contain '{secret}'");
      return { kind: 'header', name, format, hosts };
    }
    case 'query':
      return { kind: 'query', name: text('name'), hosts };
    case 'basic': {
      const username = text('username');
      if (username.includes(':')) throw ruleError('username', "must not contain ':' (RFC 7617 §2)");
      return { kind: 'basic', username, hosts };
    }
    default:
      throw ruleError('kind', "expected 'header', 'query' or 'basic'");
  }
}

/** The port a URL of this scheme reaches when it names none; null for schemes we never send secrets over. */
export function defaultPort(protocol: string): string | null {
  return protocol === 'https:' ? '443' : protocol === 'http:' ? '80' : null;
}

/**
 * May a secret with these allowed hosts be sent to `url`? Exact, port-aware:
 * `api.example.com` allows only the scheme's default port; `host:port` that
 * port only. Parsing is WHATWG URL (what fetch uses), so the host compared
 * is the host the request will reach: `https://api.openai.com@evil.com` has
 * host evil.com, and we refuse any URL with userinfo outright.
 */
export function hostAllowed(url: string, hosts: readonly string[]): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  const port = defaultPort(parsed.protocol);
  if (port === null || parsed.username !== '' || parsed.password !== '') return false;
  const host = parsed.hostname.toLowerCase();
  const effectivePort = parsed.port === '' ? port : parsed.port;
  return hosts.some((allowed) => {
    const colon = allowed.startsWith('[') ? allowed.indexOf(']:') + 1 : allowed.lastIndexOf(':');
    const [h, p] = colon > 0 ? [allowed.slice(0, colon), allowed.slice(colon + 1)] : [allowed, port];
    return h === host && p === effectivePort;
  });
}

function setHeader(headers: Record<string, string>, name: string, value: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() !== name.toLowerCase()) out[k] = v;
  out[name] = value;
  return out;
}

/** Put `secret` into a copy of `request` as the rule says. The caller checked the host. */
export function applyRule(rule: InjectionRule, secret: string, request: OutboundRequest): OutboundRequest {
  switch (rule.kind) {
    case 'header':
      return { url: request.url, headers: setHeader(request.headers, rule.name, rule.format.split('{secret}').join(secret)) };
    case 'query': {
      const url = new URL(request.url);
      url.searchParams.set(rule.name, secret);
      return { url: url.toString(), headers: { ...request.headers } };
    }
    case 'basic': {
      // RFC 7617 §2: base64(user-id ":" password)
      const value = `Basic ${Buffer.from(`${rule.username}:${secret}`, 'utf8').toString('base64')}`;
      return { url: request.url, headers: setHeader(request.headers, 'Authorization', value) };
    }
  }
}

/** Names of the secrets placeholders in the request's headers refer to, in order, unique. */
export function placeholderNames(request: OutboundRequest): string[] {
  const names = new Set<string>();
  for (const value of Object.values(request.headers)) {
    for (const m of value.matchAll(PLACEHOLDER_RE)) names.add(m[1]);
  }
  return [...names];
}

/** Replace each `octant-secret:NAME` in header values with values.get(NAME). */
export function replacePlaceholders(request: OutboundRequest, values: ReadonlyMap<string, string>): OutboundRequest {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(request.headers)) {
    headers[k] = v.replace(PLACEHOLDER_RE, (whole, name: string) => values.get(name) ?? whole);
  }
  return { url: request.url, headers };
}
