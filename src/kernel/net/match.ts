// Destination matching for the egress proxy: parse what an agent asked for
// (an absolute URL or a CONNECT authority), normalise the host strictly, and
// decide against the policy's allowlist.
//
// Strictness is the point. Host forms that different parsers read
// differently are refused instead of guessed: userinfo (`a@b`), numeric
// hosts other than canonical dotted-quad IPv4 (`2130706433`, `0x7f.1`,
// `0177.0.0.1`, `127.1`: inet_aton accepts them, WHATWG URL rewrites them),
// percent-encoding, and any character outside LDH labels. IPv4-mapped IPv6
// (`::ffff:10.0.0.1`) is matched as the IPv4 address it carries
// (RFC 4291 §2.5.5.2), so one address never has two identities.

import { isIPv4, isIPv6 } from 'node:net';
import { OctantError, EXIT } from '../../lib/errors.ts';
import type { NetDestination } from '../sandbox-policy.ts';

/** A normalised destination host: a DNS name (lowercase, no trailing dot) or an IP. */
export type Host = { kind: 'name'; name: string } | { kind: 'ip'; ip: IpAddress };

export interface IpAddress {
  family: 4 | 6;
  /** 32 or 128 bits as a bigint, for prefix arithmetic. */
  value: bigint;
  /** Canonical text (IPv4 dotted-quad, IPv6 as node prints it). */
  text: string;
}

/** How the agent reached the proxy: plain HTTP proxying or a CONNECT tunnel. */
export type ProxyMode = 'http' | 'connect';

export interface Target {
  host: Host;
  port: number;
  /** The host as it goes into the Host header / SNI (name or IP text). */
  hostText: string;
}

type Rule =
  | { kind: 'any'; dest: NetDestination }
  | { kind: 'name'; name: string; dest: NetDestination }
  | { kind: 'suffix'; suffix: string; dest: NetDestination }
  | { kind: 'cidr'; family: 4 | 6; base: bigint; bits: number; dest: NetDestination };

export interface Decision {
  allowed: boolean;
  /** Why, in words an operator reads in the ledger or the 403 body. */
  reason: string;
  /** The rule that allowed it, as written in the policy. */
  rule?: string;
}

function refuse(message: string): OctantError {
  return new OctantError('E_NET_TARGET', message, { exit: EXIT.denied });
}

const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const NUMERIC_LABEL = /^(0x[0-9a-f]*|[0-9]+)$/;

/** Parse an IP literal (no brackets) into an address; IPv4-mapped IPv6 becomes IPv4. */
export function parseIp(text: string): IpAddress | undefined {
  if (isIPv4(text)) {
    const parts = text.split('.');
    // node's isIPv4 accepts only four decimal parts, but leading zeros are octal to inet_aton.
    if (parts.some((p) => p.length > 1 && p.startsWith('0'))) return undefined;
    const value = parts.reduce((acc, p) => (acc << 8n) | BigInt(Number(p)), 0n);
    return { family: 4, value, text: parts.map(Number).join('.') };
  }
  if (!isIPv6(text) || text.includes('%')) return undefined;
  const value = ipv6Value(text);
  if (value >> 32n === 0xffffn) {
    const v4 = value & 0xffffffffn;
    return { family: 4, value: v4, text: [24n, 16n, 8n, 0n].map((s) => String((v4 >> s) & 0xffn)).join('.') };
  }
  return { family: 6, value, text: text.toLowerCase() };
}

function ipv6Value(text: string): bigint {
  let head = text.toLowerCase();
  let tail: bigint[] = [];
  // A trailing dotted-quad carries the last 32 bits.
  const quad = head.match(/(\d+\.\d+\.\d+\.\d+)$/);
  if (quad) {
    const v4 = quad[1].split('.').reduce((acc, p) => (acc << 8n) | BigInt(Number(p)), 0n);
    tail = [v4 >> 16n, v4 & 0xffffn];
    head = head.slice(0, -quad[1].length);
    if (!head.endsWith('::')) head = head.slice(0, -1);
  }
  const [left, right] = head.includes('::') ? head.split('::') : [head, undefined];
  const groups = (s: string): bigint[] => (s === '' ? [] : s.split(':').map((g) => BigInt(`0x${g}`)));
  const l = groups(left);
  const r = right === undefined ? [] : groups(right);
  const fill = 8 - l.length - r.length - tail.length;
  const all = [...l, ...Array<bigint>(right === undefined ? 0 : fill).fill(0n), ...r, ...tail];
  return all.reduce((acc, g) => (acc << 16n) | g, 0n);
}

/** Normalise a host as written in a URL or CONNECT line; throws E_NET_TARGET on ambiguous forms. */
export function parseHost(raw: string): Host {
  if (raw.startsWith('[')) {
    if (!raw.endsWith(']')) throw refuse(`host '${raw}': unterminated IPv6 literal`);
    const ip = parseIp(raw.slice(1, -1));
    if (ip === undefined) throw refuse(`host '${raw}': not an IPv6 address`);
    return { kind: 'ip', ip };
  }
  const lower = raw.toLowerCase();
  const ip = parseIp(lower);
  if (ip !== undefined && ip.family === 4) return { kind: 'ip', ip };
  const name = lower.endsWith('.') ? lower.slice(0, -1) : lower;
  if (name === '' || name.length > 253) throw refuse(`host '${raw}': empty or too long`);
  const labels = name.split('.');
  if (!labels.every((l) => LABEL.test(l))) throw refuse(`host '${raw}': only letters, digits, '-' and '.' are allowed in a host name`);
  // A numeric last label makes resolvers read the whole name as an IPv4 number
  // (WHATWG URL "ends in a number"); only canonical dotted-quad is accepted.
  if (NUMERIC_LABEL.test(labels[labels.length - 1])) throw refuse(`host '${raw}': numeric host forms other than dotted-quad IPv4 are refused`);
  return { kind: 'name', name };
}

function parsePort(text: string, what: string): number {
  if (!/^[0-9]{1,5}$/.test(text)) throw refuse(`${what}: port '${text}' is not a number`);
  const port = Number(text);
  if (port < 1 || port > 65535) throw refuse(`${what}: port ${port} is out of range`);
  return port;
}

/** Split `host[:port]` (RFC 3986 §3.2); userinfo is refused, not stripped. */
export function parseAuthority(authority: string, defaultPort: number | undefined): Target {
  if (authority.includes('@')) throw refuse(`'${authority}': userinfo in the destination is refused`);
  if (authority.includes('%')) throw refuse(`'${authority}': percent-encoding in the host is refused`);
  let hostPart = authority;
  let portPart: string | undefined;
  if (authority.startsWith('[')) {
    const close = authority.indexOf(']');
    if (close === -1) throw refuse(`'${authority}': unterminated IPv6 literal`);
    hostPart = authority.slice(0, close + 1);
    const after = authority.slice(close + 1);
    if (after !== '') {
      if (!after.startsWith(':')) throw refuse(`'${authority}': junk after the IPv6 literal`);
      portPart = after.slice(1);
    }
  } else {
    const colon = authority.lastIndexOf(':');
    if (colon !== -1) {
      hostPart = authority.slice(0, colon);
      portPart = authority.slice(colon + 1);
    }
  }
  if (portPart === undefined && defaultPort === undefined) throw refuse(`'${authority}': a port is required`);
  const port = portPart === undefined ? defaultPort! : parsePort(portPart, authority);
  const host = parseHost(hostPart);
  return { host, port, hostText: host.kind === 'name' ? host.name : host.ip.family === 6 ? `[${host.ip.text}]` : host.ip.text };
}

/** Parse an absolute-form request target (RFC 9112 §3.2.2); only http:// is proxied in the clear. */
export function parseHttpUrl(url: string): Target & { path: string } {
  const match = /^http:\/\/([^/?#]*)([/?#].*)?$/i.exec(url);
  if (match === null) throw refuse(`request target '${url.slice(0, 200)}': expected an absolute http:// URL (use CONNECT for https)`);
  const target = parseAuthority(match[1], 80);
  const rest = match[2] ?? '/';
  return { ...target, path: rest.startsWith('#') ? '/' : rest.startsWith('?') ? `/${rest.split('#')[0]}` : rest.split('#')[0] };
}

/** Compile the policy's destinations; throws E_NET_RULE naming a bad entry. */
export function compileRules(destinations: readonly NetDestination[]): Rule[] {
  return destinations.map((dest, i) => {
    const bad = (why: string): OctantError => new OctantError('E_NET_RULE', `network[${i}].host '${dest.host}': ${why}`);
    const [lo, hi] = dest.ports;
    if (!Number.isInteger(lo) || !Number.isInteger(hi) || lo < 1 || hi > 65535 || lo > hi) {
      throw new OctantError('E_NET_RULE', `network[${i}].ports [${lo}, ${hi}]: expected 1 <= low <= high <= 65535`);
    }
    const host = dest.host.toLowerCase();
    if (host === '*') return { kind: 'any', dest };
    if (host.startsWith('*.')) {
      const base = parseHostOrThrow(host.slice(2), bad);
      if (base.kind !== 'name') throw bad('a wildcard needs a domain name');
      return { kind: 'suffix', suffix: `.${base.name}`, dest };
    }
    const slash = host.indexOf('/');
    if (slash !== -1 || parseIp(host) !== undefined || host.startsWith('[')) {
      const addrText = slash === -1 ? host.replace(/^\[|\]$/g, '') : host.slice(0, slash);
      const ip = parseIp(addrText);
      if (ip === undefined) throw bad('not an IP address or CIDR block');
      const width = ip.family === 4 ? 32 : 128;
      // A mapped IPv6 block is written against the IPv4 address it carries.
      const mappedShift = ip.family === 4 && isIPv6(addrText) ? 96 : 0;
      const bitsText = slash === -1 ? String(width + mappedShift) : host.slice(slash + 1);
      if (!/^[0-9]{1,3}$/.test(bitsText)) throw bad('prefix length is not a number');
      const bits = Number(bitsText) - mappedShift;
      if (bits < 0 || bits > width) throw bad(`prefix length must be 0..${width}`);
      const mask = bits === 0 ? 0n : ((1n << BigInt(bits)) - 1n) << BigInt(width - bits);
      if ((ip.value & ~mask & ((1n << BigInt(width)) - 1n)) !== 0n) throw bad('host bits are set below the prefix');
      return { kind: 'cidr', family: ip.family, base: ip.value, bits, dest };
    }
    const name = parseHostOrThrow(host, bad);
    if (name.kind !== 'name') throw bad('not a host name');
    return { kind: 'name', name: name.name, dest };
  });
}

function parseHostOrThrow(text: string, bad: (why: string) => OctantError): Host {
  try {
    return parseHost(text);
  } catch (error) {
    throw bad((error as Error).message);
  }
}

function protocolFits(dest: NetDestination, mode: ProxyMode): boolean {
  // http and https run over tcp, so a tcp grant covers both (the manifest's
  // rule); an http grant is served only by plain proxying, https only by a tunnel.
  if (dest.protocol === 'tcp') return true;
  return mode === 'http' ? dest.protocol === 'http' : dest.protocol === 'https';
}

function inCidr(rule: Extract<Rule, { kind: 'cidr' }>, ip: IpAddress): boolean {
  if (rule.family !== ip.family) return false;
  const width = BigInt(ip.family === 4 ? 32 : 128);
  const shift = width - BigInt(rule.bits);
  return ip.value >> shift === rule.base >> shift;
}

/** Loopback, unspecified, link-local (cloud metadata) addresses. */
export function isLocalAddress(ip: IpAddress): boolean {
  if (ip.family === 4) {
    const a = Number(ip.value >> 24n);
    const b = Number((ip.value >> 16n) & 0xffn);
    return a === 127 || a === 0 || (a === 169 && b === 254);
  }
  return ip.value === 1n || ip.value === 0n || ip.value >> 118n === 0x3fan; // ::1, ::, fe80::/10
}

function describe(rule: Rule): string {
  const d = rule.dest;
  return `${d.protocol}://${d.host}:${d.ports[0] === d.ports[1] ? d.ports[0] : `${d.ports[0]}-${d.ports[1]}`}`;
}

function fittingRules(rules: readonly Rule[], mode: ProxyMode, port: number): Rule[] {
  return rules.filter((r) => protocolFits(r.dest, mode) && port >= r.dest.ports[0] && port <= r.dest.ports[1]);
}

function nameRuleFits(r: Rule, name: string): boolean {
  return r.kind === 'any' || (r.kind === 'name' && r.name === name) || (r.kind === 'suffix' && name.endsWith(r.suffix));
}

function refusal(rules: readonly Rule[], mode: ProxyMode, target: Target): Decision {
  const how = mode === 'http' ? 'plain http' : 'CONNECT (https/tcp)';
  const any = rules.some((r) => protocolFits(r.dest, mode));
  return { allowed: false, reason: any ? `${target.hostText}:${target.port} is not in the allowlist for ${how}` : `the policy allows no ${how} destinations` };
}

/**
 * First step, before any DNS query: may this name be resolved at all?
 * Only names a name or wildcard rule allows are ever looked up, so an agent
 * cannot leak data through the resolver by asking for `<secret>.evil.net`.
 * Returns a refusal, or undefined when the proxy may resolve the name.
 */
export function screenName(rules: readonly Rule[], mode: ProxyMode, target: Target): Decision | undefined {
  if (target.host.kind !== 'name') return undefined;
  const name = target.host.name;
  const byName = fittingRules(rules, mode, target.port).some((r) => nameRuleFits(r, name));
  return byName ? undefined : refusal(rules, mode, target);
}

/**
 * Decide one connection. `address` is the single address the proxy resolved
 * (or the IP literal asked for) and will connect to. IP literals are allowed
 * by CIDR rules only; names by name rules, and a name never reaches a
 * loopback or link-local address unless a CIDR rule names that address
 * itself (a DNS answer must not open the host's own ports).
 */
export function decide(rules: readonly Rule[], mode: ProxyMode, target: Target, address: IpAddress): Decision {
  const fitting = fittingRules(rules, mode, target.port);
  const cidr = fitting.find((r) => r.kind === 'cidr' && inCidr(r, address));
  if (target.host.kind === 'ip') {
    if (cidr) return { allowed: true, reason: `address ${address.text} is in an allowed block`, rule: describe(cidr) };
    // "*" means any host, but the host's own loopback still needs a CIDR rule.
    const any = fitting.find((r) => r.kind === 'any');
    if (any && !isLocalAddress(address)) return { allowed: true, reason: 'any host is allowed', rule: describe(any) };
    return refusal(rules, mode, target);
  }
  const name = target.host.name;
  const byName = fitting.find((r) => nameRuleFits(r, name));
  if (byName === undefined) return refusal(rules, mode, target);
  if (isLocalAddress(address) && cidr === undefined) {
    return { allowed: false, reason: `${name} resolves to local address ${address.text}, which no CIDR rule allows` };
  }
  return { allowed: true, reason: `host ${name} is allowed`, rule: describe(byName) };
}

export type { Rule };
