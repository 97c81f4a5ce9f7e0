// Adapters: where an app's connections come from. Each creates a plain net
// server whose connections go to one HttpHost (serve.ts):
//   - serveUnix: a Unix socket created 0600 from the first moment (an
//     agent's gateway socket; the admin socket adds its own checks in
//     runtime/admin/socket.ts and uses serveOn directly);
//   - serveTcp: a TCP listener, with TLS when given a key and certificate
//     (the console and the Matrix API; `router serve`): each connection is
//     wrapped in a server-side TLSSocket before the host sees it.

import { chmodSync, mkdirSync, rmSync } from 'node:fs';
import { createServer as createNetServer, type Server, type Socket } from 'node:net';
import { TLSSocket, createSecureContext } from 'node:tls';
import { dirname } from 'node:path';
import { EXIT, OctantError, messageOf } from '../errors.ts';
import { createHttpHost, type HttpApp, type HttpHost } from './serve.ts';

export interface Served {
  /** http(s)://host:port, or the socket path. */
  address: string;
  /** The TCP port (0 for a Unix socket). */
  port: number;
  close(): Promise<void>;
}

/**
 * Hand every connection of `server` to a new host for `app`, through `wrap`
 * when given (TLS): the host's head timer then covers the handshake too, so
 * a client that connects and never starts one is closed like a silent
 * plain one (node:tls's own handshakeTimeout does not count until it starts).
 */
export function serveOn<C>(app: HttpApp<C>, server: Server, wrap?: (raw: Socket) => Socket): { host: HttpHost; close(): Promise<void> } {
  const host = createHttpHost(app);
  server.on('connection', (socket: Socket) => host.accept(wrap === undefined ? socket : wrap(socket)));
  return {
    host,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      // Idle keep-alive connections and open streams would hold close() forever.
      host.closeConnections();
    }),
  };
}

function listening(server: Server, what: string, listen: () => void): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', (error) => reject(new OctantError('E_HTTP_LISTEN', `${what}: cannot listen: ${messageOf(error)}`, { exit: EXIT.unavailable, cause: error })));
    listen();
  });
}

/** Serve on a Unix socket at `path`, mode 0600 from the bind on (umask 0177); a file left there is replaced. */
export async function serveUnix<C>(app: HttpApp<C>, path: string): Promise<Served> {
  const server = createNetServer();
  const served = serveOn(app, server);
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  rmSync(path, { force: true });
  await listening(server, path, () => {
    // The bind happens synchronously inside listen() for a Unix socket, so the
    // umask applies to exactly this socket and is restored at once.
    const previous = process.umask(0o177);
    try {
      server.listen(path);
    } finally {
      process.umask(previous);
    }
  });
  chmodSync(path, 0o600);
  return {
    address: path,
    port: 0,
    close: async () => {
      await served.close();
      rmSync(path, { force: true });
    },
  };
}

export interface TcpOptions {
  port: number;
  /** Default 127.0.0.1: a wider address is the caller's explicit choice. */
  host?: string;
  /** PEM key and certificate: serve HTTPS (TLS 1.2 or later). */
  tls?: { key: string | Buffer; cert: string | Buffer };
}

/** Serve on a TCP port, over TLS when `tls` is given. */
export async function serveTcp<C>(app: HttpApp<C>, options: TcpOptions): Promise<Served> {
  const server = createNetServer();
  const tls = options.tls;
  const secureContext = tls === undefined ? undefined : createSecureContext({ key: tls.key, cert: tls.cert, minVersion: 'TLSv1.2' });
  const served = serveOn(app, server, secureContext === undefined ? undefined : (raw) => new TLSSocket(raw, { isServer: true, secureContext, ALPNProtocols: ['http/1.1'] }));
  const host = options.host ?? '127.0.0.1';
  await listening(server, `${host}:${options.port}`, () => server.listen(options.port, host));
  const bound = server.address();
  if (bound === null || typeof bound === 'string') throw new OctantError('E_HTTP_LISTEN', `${host}:${options.port}: no TCP address after listening`);
  const { address, port } = bound;
  const shown = address.includes(':') ? `[${address}]` : address;
  return { address: `${options.tls === undefined ? 'http' : 'https'}://${shown}:${port}`, port, close: served.close };
}
