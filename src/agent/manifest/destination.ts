// Network destinations: host (name, "*.domain" wildcard, "*" for any host,
// or an IPv4/IPv6 CIDR block), an inclusive port range and a protocol.
//
// Semantics (docs/manifests.md "Network"):
// - "*.example.com" matches every name below example.com, not example.com.
// - A name and a CIDR block never overlap: the egress proxy matches the host
//   the agent asked for, before any DNS resolution.
// - http and https are within tcp (they run over it): a tcp grant on port 443
//   covers https to port 443, not the other way round. udp is separate.
// Hosts form a tree (any > wildcard > name; CIDR blocks nest), so the
// intersection of two destinations is again one destination or nothing.

import { isIPv4, isIPv6 } from 'node:net';
import { join, readEnum, readInteger, readObject, readString, schemaError, describe } from './field-reader.ts';

export const PROTOCOLS = ['tcp', 'udp', 'http', 'https'] as const;
export type Protocol = (typeof PROTOCOLS)[number];

export interface Destination {
  host: string;
  /** Inclusive [first, last]. */
  ports: [number, number];
  protocol: Protocol;
}

type Host =
  | { kind: 'any' }
  | { kind: 'name'; name: string }
  | { kind: 'wild'; suffix: string }
  | { kind: 'cidr'; bits: 32 | 128; net: bigint; prefix: number };

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

function v4ToBig(ip: string): bigint {
  return ip.split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
}

function v6ToBig(ip: string): bigint {
  let text = ip;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4 !== null) {
    const n = v4ToBig(v4[1]);
    text = `${text.slice(0, v4.index)}${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
  }
  const [head, tail] = text.split('::');
  const h = head === '' ? [] : head.split(':');
  const t = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
}

function bigToV4(n: bigint): string {
  return [24n, 16n, 8n, 0n].map((s) => String((n >> s) & 255n)).join('.');
}

function bigToV6(n: bigint): string {
  const groups = Array.from({ length: 8 }, (_, i) => ((n >> BigInt(112 - 16 * i)) & 0xffffn).toString(16)).join(':');
  // WHATWG URL serialisation compresses the longest zero run (RFC 5952 §4.2).
  return new URL(`http://[${groups}]/`).hostname.slice(1, -1);
}

/** Parse a host field into its lattice form; throws naming `path`. */
export function parseHost(text: string, path: string): Host {
  if (text === '*') return { kind: 'any' };
  const slash = text.indexOf('/');
  const address = slash === -1 ? text : text.slice(0, slash);
  if (address.includes('%')) throw schemaError(path, `${JSON.stringify(text)}: zone identifiers are not allowed`);
  if (isIPv4(address) || isIPv6(address)) {
    const bits = isIPv4(address) ? 32 : 128;
    const prefixText = slash === -1 ? String(bits) : text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > bits) throw schemaError(path, `${JSON.stringify(text)}: prefix length must be 0..${bits}`);
    const prefix = Number(prefixText);
    const net = bits === 32 ? v4ToBig(address) : v6ToBig(address);
    const hostBits = BigInt(bits - prefix);
    if ((net & ((1n << hostBits) - 1n)) !== 0n) throw schemaError(path, `${JSON.stringify(text)} has host bits set after the /${prefix} prefix`, 'write the network address of the block');
    return { kind: 'cidr', bits, net, prefix };
  }
  if (slash !== -1) throw schemaError(path, `${JSON.stringify(text)} is not a valid CIDR block`);
  const lower = text.toLowerCase();
  const wild = lower.startsWith('*.');
  const name = wild ? lower.slice(2) : lower;
  const labels = name.split('.');
  if (name.length > 253 || labels.length < (wild ? 2 : 1) || !labels.every((l) => LABEL.test(l)) || /^[0-9.]+$/.test(name)) {
    throw schemaError(path, `${JSON.stringify(text)} is not a host name, "*.domain" wildcard, "*" or CIDR block`, 'names are ASCII (use punycode for international names), without a trailing dot');
  }
  return wild ? { kind: 'wild', suffix: name } : { kind: 'name', name };
}

export function formatHost(host: Host): string {
  switch (host.kind) {
    case 'any': return '*';
    case 'name': return host.name;
    case 'wild': return `*.${host.suffix}`;
    case 'cidr': return `${host.bits === 32 ? bigToV4(host.net) : bigToV6(host.net)}/${host.prefix}`;
  }
}

function hostWithin(a: Host, b: Host): boolean {
  if (b.kind === 'any') return true;
  switch (a.kind) {
    case 'any': return false;
    case 'name': return (b.kind === 'name' && a.name === b.name) || (b.kind === 'wild' && a.name.endsWith(`.${b.suffix}`));
    case 'wild': return b.kind === 'wild' && (a.suffix === b.suffix || a.suffix.endsWith(`.${b.suffix}`));
    case 'cidr': {
      if (b.kind !== 'cidr' || a.bits !== b.bits || a.prefix < b.prefix) return false;
      const shift = BigInt(a.bits - b.prefix);
      return a.net >> shift === b.net >> shift;
    }
  }
}

function protocolWithin(a: Protocol, b: Protocol): boolean {
  return a === b || (b === 'tcp' && (a === 'http' || a === 'https'));
}

function readPorts(value: unknown, path: string): [number, number] {
  if (typeof value === 'number') { const p = readInteger(value, path, 1, 65535); return [p, p]; }
  let pair: unknown[];
  if (typeof value === 'string' && /^\d{1,5}-\d{1,5}$/.test(value)) pair = value.split('-').map(Number);
  else if (Array.isArray(value) && value.length === 2) pair = value;
  else throw schemaError(path, `expected a port, a range like "8000-8080" or [first, last]; got ${describe(value)}`);
  const first = readInteger(pair[0], `${path}[0]`, 1, 65535);
  const last = readInteger(pair[1], `${path}[1]`, 1, 65535);
  if (first > last) throw schemaError(path, `range ${first}-${last} is empty (first port after last)`);
  return [first, last];
}

export function readDestination(value: unknown, path: string): Destination {
  const record = readObject(value, path, ['host', 'ports', 'protocol'], ['host', 'ports', 'protocol']);
  const host = formatHost(parseHost(readString(record.host, join(path, 'host'), 300), join(path, 'host')));
  return { host, ports: readPorts(record.ports, join(path, 'ports')), protocol: readEnum(record.protocol, join(path, 'protocol'), PROTOCOLS) };
}

export function destinationWithin(a: Destination, b: Destination): boolean {
  return hostWithin(parseHost(a.host, 'host'), parseHost(b.host, 'host'))
    && a.ports[0] >= b.ports[0] && a.ports[1] <= b.ports[1]
    && protocolWithin(a.protocol, b.protocol);
}

/** The destinations both allow, or undefined when they share nothing. */
export function meetDestination(a: Destination, b: Destination): Destination | undefined {
  const ha = parseHost(a.host, 'host');
  const hb = parseHost(b.host, 'host');
  const host = hostWithin(ha, hb) ? a.host : hostWithin(hb, ha) ? b.host : undefined;
  const protocol = protocolWithin(a.protocol, b.protocol) ? a.protocol : protocolWithin(b.protocol, a.protocol) ? b.protocol : undefined;
  const first = Math.max(a.ports[0], b.ports[0]);
  const last = Math.min(a.ports[1], b.ports[1]);
  if (host === undefined || protocol === undefined || first > last) return undefined;
  return { host, ports: [first, last], protocol };
}

export function destinationKey(d: Destination): string {
  const ports = d.ports[0] === d.ports[1] ? `${d.ports[0]}` : `${d.ports[0]}-${d.ports[1]}`;
  return `${d.protocol}://${d.host.includes(':') ? `[${d.host}]` : d.host}:${ports}`;
}

/** Drop duplicates and destinations inside another; sort by key. */
export function normalizeDestinations(list: Iterable<Destination>): Destination[] {
  const byKey = new Map<string, Destination>();
  for (const d of list) byKey.set(destinationKey(d), d);
  const unique = [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, d]) => d);
  return unique.filter((d, i) => !unique.some((e, j) => j !== i && destinationWithin(d, e)));
}

export function intersectDestinations(a: readonly Destination[], b: readonly Destination[]): Destination[] {
  const out: Destination[] = [];
  for (const x of a) for (const y of b) { const m = meetDestination(x, y); if (m !== undefined) out.push(m); }
  return normalizeDestinations(out);
}

export function firstDestinationOutside(inner: readonly Destination[], outer: readonly Destination[]): number {
  return inner.findIndex((d) => !outer.some((e) => destinationWithin(d, e)));
}
