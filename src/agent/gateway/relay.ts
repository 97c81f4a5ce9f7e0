// The in-sandbox half of the gateway for wrapped programs: an HTTP listener
// on loopback that forwards every request to the agent's gateway socket,
// replacing whatever API key the program sends with the agent's token (read
// from its token file). An OpenAI or Anthropic SDK pointed at
// OPENAI_BASE_URL / ANTHROPIC_BASE_URL works unchanged while holding only a
// placeholder key. Streaming replies (SSE) pass through as they arrive.

import { readFileSync } from 'node:fs';
import http, { type IncomingMessage, type ServerResponse, type OutgoingHttpHeaders } from 'node:http';
import { OctantError } from '../../lib/errors.ts';

export interface RelayOptions {
  socketPath: string;
  tokenFile: string;
  host: string;
  port: number;
}

export interface Relay {
  port: number;
  close(): Promise<void>;
}

// RFC 9110 §7.6.1 hop-by-hop fields, and the credentials we replace.
const DROP = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'authorization', 'x-api-key', 'host']);

export async function startRelay(options: RelayOptions): Promise<Relay> {
  const server = http.createServer((req: IncomingMessage, res: ServerResponse) => {
    const headers: OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(req.headers)) if (!DROP.has(name) && value !== undefined) headers[name] = value;
    // Read per request: the token file is the source of truth (rotation, revocation).
    headers.authorization = `Bearer ${readFileSync(options.tokenFile, 'utf8').trim()}`;
    headers.host = 'gateway';
    const upstream = http.request({ socketPath: options.socketPath, method: req.method, path: req.url, headers }, (reply) => {
      res.writeHead(reply.statusCode ?? 502, reply.headers);
      reply.pipe(res);
    });
    upstream.on('error', (error) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'E_GATEWAY_UNREACHABLE', message: error.message } }));
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(new OctantError('E_GATEWAY_RELAY_LISTEN', `${options.host}:${options.port}: ${error.message}`)));
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address !== null ? address.port : options.port,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
