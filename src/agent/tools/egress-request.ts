// A request the gateway makes for an agent, sent through that agent's own
// egress proxy (its Unix socket on the host): plain http in absolute-form
// (RFC 9112 §3.2.2), https through a CONNECT tunnel (RFC 9110 §9.3.6) with
// TLS to the origin inside it. The proxy applies the agent's allowlist, DNS
// pinning, shaping and its ledger record exactly as to traffic from inside
// the sandbox. http.fetch and search.query's remote engines both use it.

import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { deniedError } from './tool-errors.ts';

export interface EgressRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
}

/** Send `req` through the egress proxy's Unix socket: absolute-form for http, a CONNECT tunnel for https. */
export interface EgressOptions {
  /** Names the tool in a refusal. */
  tool: string;
  timeoutMs: number;
  /** Trust anchors for TLS to the origin, instead of the system's (an operator's own CA). */
  ca?: string | Buffer;
}

export function viaProxy(proxySocket: string, req: EgressRequest, signal: AbortSignal, options: EgressOptions): Promise<IncomingMessage> {
  const url = new URL(req.url);
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  return new Promise((resolve, reject) => {
    const onResponse = (res: IncomingMessage) => resolve(res);
    if (url.protocol === 'http:') {
      const r = httpRequest({ socketPath: proxySocket, method: req.method, path: url.toString(), headers: { ...req.headers, host: url.host }, signal, timeout: options.timeoutMs }, onResponse);
      r.on('error', reject);
      r.end(req.body);
      return;
    }
    const tunnel = httpRequest({ socketPath: proxySocket, method: 'CONNECT', path: `${url.hostname}:${port}`, signal, timeout: options.timeoutMs });
    tunnel.on('error', reject);
    tunnel.on('connect', (res, socket) => {
      if (res.statusCode !== 200) { socket.destroy(); reject(deniedError(options.tool, `the egress proxy refused ${url.host} (${res.statusCode})`)); return; }
      const r = httpsRequest({
        method: req.method, host: url.hostname, port, path: `${url.pathname}${url.search}`, headers: req.headers, signal, timeout: options.timeoutMs,
        // The certificate is checked against the host asked for; SNI carries names only (RFC 6066 §3), none for an address.
        createConnection: () => tlsConnect({ socket, host: url.hostname.replace(/^\[|\]$/g, ''), ...(isIP(url.hostname) === 0 ? { servername: url.hostname } : {}), ...(options.ca === undefined ? {} : { ca: options.ca }) }),
      }, onResponse);
      r.on('error', reject);
      r.end(req.body);
    });
    tunnel.end();
  });
}

