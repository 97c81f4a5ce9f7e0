// The host-side egress proxy of one agent. It listens on a Unix socket that
// is bound into the agent's sandbox (whose network namespace has only
// loopback); the in-sandbox bridge (bridge.ts) offers it as HTTP(S)_PROXY.
//
// Per connection, straight through: parse the target strictly (match.ts) →
// refuse names no rule allows without resolving them → resolve once →
// decide on that one address → record the decision (durable) → connect to
// exactly the address decided on (no second lookup, so no DNS rebinding
// between check and connect) → shape both directions (shaper.ts).
// Plain http is proxied per request (RFC 9112 §3.2.2 absolute-form);
// https and raw tcp go through CONNECT tunnels (RFC 9110 §9.3.6).

import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse, type OutgoingHttpHeaders } from 'node:http';
import { connect as netConnect, type Socket } from 'node:net';
import { lookup } from 'node:dns/promises';
import { chmodSync, rmSync } from 'node:fs';
import { pipeline } from 'node:stream';
import { OctantError, messageOf } from '../../lib/errors.ts';
import type { SandboxPolicy } from '../sandbox-policy.ts';
import { compileRules, decide, parseAuthority, parseHttpUrl, parseIp, screenName, type Decision, type IpAddress, type ProxyMode, type Target } from './match.ts';
import { bucketsFor, shapedStream, type Clock } from './shaper.ts';
import type { AuditEvent } from '../../lib/audit-event.ts';

/** The ledger's event shape, so a LedgerAppend can be passed as is. */
export type NetAuditEvent = AuditEvent;

/** Records an event and resolves once it is durable. */
export type NetAudit = (event: NetAuditEvent) => Promise<unknown>;

/** Resolves a name to its addresses (first is used). */
export type Resolver = (name: string) => Promise<string[]>;

export interface EgressProxyOptions {
  policy: Pick<SandboxPolicy, 'id' | 'network' | 'limits'>;
  lineage?: string[];
  /** Unix socket to listen on; replaced if it exists. */
  socketPath: string;
  audit: NetAudit;
  resolve?: Resolver;
  now?: Clock;
  /**
   * When set, every connection the rules allow also waits for this decision
   * (an operator's approval, for an agent whose manifest makes net.request
   * critical). false, or a throw, refuses the connection.
   */
  approve?: (connection: { mode: ProxyMode; target: string; address: string }) => Promise<boolean>;
  /**
   * Connections from the agent open at once (default 64). Each costs the
   * daemon two descriptors (the agent's and the upstream's), so one agent
   * must not be able to open them without bound; past the cap, new
   * connections are closed at once.
   */
  maxConnections?: number;
  /**
   * The descriptors every agent's connections share in this daemon (the
   * services keep a reserve beyond them). Each agent connection takes two,
   * its own and the upstream's; when none are left it is closed at once.
   */
  descriptors?: { take(): boolean; release(): void };
}

export const DEFAULT_PROXY_CONNECTIONS = 64;

export interface EgressStats {
  allowed: number;
  refused: number;
  bytesUp: number;
  bytesDown: number;
}

export interface EgressProxy {
  socketPath: string;
  stats(): EgressStats;
  close(): Promise<void>;
}

const defaultResolver: Resolver = async (name) => (await lookup(name, { all: true, order: 'verbatim' })).map((a) => a.address);

// RFC 9110 §7.6.1: hop-by-hop fields are not forwarded.
const HOP_BY_HOP = new Set(['connection', 'proxy-connection', 'keep-alive', 'proxy-authorization', 'proxy-authenticate', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'host']);

function forwardHeaders(req: IncomingMessage, target: Target): OutgoingHttpHeaders {
  const listed = new Set(String(req.headers.connection ?? '').toLowerCase().split(',').map((s) => s.trim()));
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (!HOP_BY_HOP.has(name) && !listed.has(name) && value !== undefined) out[name] = value;
  }
  // The Host sent upstream is the one that was checked, never the agent's own.
  out.host = target.port === 80 ? target.hostText : `${target.hostText}:${target.port}`;
  return out;
}

export async function startEgressProxy(options: EgressProxyOptions): Promise<EgressProxy> {
  const rules = compileRules(options.policy.network);
  const resolve = options.resolve ?? defaultResolver;
  const buckets = bucketsFor(options.policy.limits.netBytesPerSec, options.now);
  const stats: EgressStats = { allowed: 0, refused: 0, bytesUp: 0, bytesDown: 0 };
  const open = new Set<Socket>();
  const agent = options.policy.id;
  const lineage = options.lineage ?? [];

  const record = (mode: ProxyMode, target: string, decision: string, detail: Record<string, unknown>): Promise<unknown> =>
    options.audit({ agent, lineage, kind: 'net', action: mode === 'http' ? 'http' : 'connect', target, decision, detail });

  /**
   * Everything up to the connect: returns the address to connect to, or
   * undefined after it has answered the agent with a refusal.
   */
  async function admit(mode: ProxyMode, raw: string, parse: () => Target, refuseWith: (status: number, body: string) => void): Promise<{ target: Target; address: IpAddress } | undefined> {
    let target: Target;
    try {
      target = parse();
    } catch (error) {
      return deny(mode, raw.slice(0, 300), { allowed: false, reason: messageOf(error) }, refuseWith);
    }
    const where = `${target.hostText}:${target.port}`;
    const screened = screenName(rules, mode, target);
    if (screened) return deny(mode, where, screened, refuseWith);
    let address: IpAddress | undefined;
    if (target.host.kind === 'ip') address = target.host.ip;
    else {
      try {
        const first = (await resolve(target.host.name))[0];
        address = first === undefined ? undefined : parseIp(first);
      } catch { /* reported below as unresolvable */ }
      if (address === undefined) return deny(mode, where, { allowed: false, reason: `${target.host.name} does not resolve` }, refuseWith, 502);
    }
    const decision = decide(rules, mode, target, address);
    if (!decision.allowed) return deny(mode, where, decision, refuseWith, 403, address);
    if (options.approve !== undefined) {
      let approved = false;
      try {
        approved = await options.approve({ mode, target: where, address: address.text });
      } catch { /* no decision is a denial */ }
      if (!approved) return deny(mode, where, { allowed: false, reason: `the connection to ${where} was not approved` }, refuseWith, 403, address);
    }
    try {
      await record(mode, where, 'allow', { address: address.text, rule: decision.rule, reason: decision.reason });
    } catch (error) {
      // Fail closed: no durable record, no connection.
      refuseWith(503, `egress refused: the ledger did not record the connection (${messageOf(error)})\n`);
      stats.refused += 1;
      return undefined;
    }
    stats.allowed += 1;
    return { target, address };
  }

  async function deny(mode: ProxyMode, where: string, decision: Decision, refuseWith: (status: number, body: string) => void, status = 403, address?: IpAddress): Promise<undefined> {
    stats.refused += 1;
    try {
      await record(mode, where, 'deny', { reason: decision.reason, ...(address ? { address: address.text } : {}) });
    } catch (error) {
      refuseWith(503, `egress refused: ${decision.reason}; the ledger did not record it (${messageOf(error)})\n`);
      return undefined;
    }
    refuseWith(status, `egress refused: ${decision.reason}\n`);
    return undefined;
  }

  async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? '';
    const refuseWith = (status: number, body: string): void => {
      req.resume();
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body), connection: 'close' });
      res.end(body);
    };
    const admitted = await admit('http', url, () => parseHttpUrl(url), refuseWith);
    if (admitted === undefined) return;
    const { target, address } = admitted;
    const path = parseHttpUrl(url).path;
    const upstream = httpRequest({ host: address.text, port: target.port, method: req.method, path, headers: forwardHeaders(req, target), agent: false, setHost: false });
    upstream.on('response', (up) => {
      const headers: OutgoingHttpHeaders = {};
      for (const [name, value] of Object.entries(up.headers)) if (!HOP_BY_HOP.has(name) && value !== undefined) headers[name] = value;
      res.writeHead(up.statusCode ?? 502, up.statusMessage, headers);
      up.on('data', (chunk: Buffer) => { stats.bytesDown += chunk.length; });
      pipeline(up, shapedStream(buckets.down), res, () => {});
    });
    upstream.on('error', (error) => {
      if (!res.headersSent) refuseWith(502, `egress failed: ${target.hostText}:${target.port}: ${error.message}\n`);
      else res.destroy();
    });
    req.on('data', (chunk: Buffer) => { stats.bytesUp += chunk.length; });
    pipeline(req, shapedStream(buckets.up), upstream, () => {});
  }

  async function onConnect(req: IncomingMessage, client: Socket, head: Buffer): Promise<void> {
    open.add(client);
    client.on('close', () => open.delete(client));
    client.on('error', () => client.destroy());
    const url = req.url ?? '';
    const refuseWith = (status: number, body: string): void => {
      const reason = status === 403 ? 'Forbidden' : status === 502 ? 'Bad Gateway' : 'Service Unavailable';
      client.end(`HTTP/1.1 ${status} ${reason}\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
    };
    const admitted = await admit('connect', url, () => parseAuthority(url, undefined), refuseWith);
    if (admitted === undefined) return;
    const { target, address } = admitted;
    const upstream = netConnect({ host: address.text, port: target.port });
    open.add(upstream);
    upstream.on('close', () => open.delete(upstream));
    upstream.once('error', (error) => {
      if (upstream.readyState !== 'open' && !client.destroyed) refuseWith(502, `egress failed: ${target.hostText}:${target.port}: ${error.message}\n`);
      else client.destroy();
    });
    upstream.once('connect', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) client.unshift(head);
      client.on('data', (chunk: Buffer) => { stats.bytesUp += chunk.length; });
      upstream.on('data', (chunk: Buffer) => { stats.bytesDown += chunk.length; });
      pipeline(client, shapedStream(buckets.up), upstream, () => client.destroy());
      pipeline(upstream, shapedStream(buckets.down), client, () => upstream.destroy());
    });
  }

  const server = createServer();
  server.maxConnections = options.maxConnections ?? DEFAULT_PROXY_CONNECTIONS;
  server.on('request', (req, res) => {
    onRequest(req, res).catch((error: unknown) => res.destroy(error as Error));
  });
  server.on('connect', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    onConnect(req, socket, head).catch(() => socket.destroy());
  });
  server.on('connection', (socket: Socket) => {
    const shared = options.descriptors;
    if (shared !== undefined) {
      if (!shared.take()) {
        socket.destroy();
        return;
      }
      if (!shared.take()) {
        shared.release();
        socket.destroy();
        return;
      }
      socket.once('close', () => {
        shared.release();
        shared.release();
      });
    }
    open.add(socket);
    socket.on('close', () => open.delete(socket));
  });
  rmSync(options.socketPath, { force: true });
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', (error) => reject(new OctantError('E_NET_PROXY_LISTEN', `${options.socketPath}: cannot listen: ${error.message}`, { cause: error })));
    server.listen(options.socketPath, () => resolveListen());
  });
  // The sandbox may run as another uid; the socket's directory is what guards it.
  chmodSync(options.socketPath, 0o666);

  return {
    socketPath: options.socketPath,
    stats: () => ({ ...stats }),
    close: () =>
      new Promise<void>((done) => {
        for (const socket of open) socket.destroy();
        server.close(() => {
          rmSync(options.socketPath, { force: true });
          done();
        });
      }),
  };
}
