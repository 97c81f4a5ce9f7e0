// The in-sandbox half of egress: a loopback TCP listener that relays each
// connection, byte for byte, to the host proxy's Unix socket (bound into
// the sandbox). Programs inside see an ordinary HTTP proxy on 127.0.0.1
// (HTTP_PROXY / HTTPS_PROXY); all policy lives on the host side.

import { createServer, connect, isIP, type Socket } from 'node:net';
import { OctantError, EXIT } from '../../lib/errors.ts';

export interface BridgeOptions {
  /** The proxy's Unix socket as seen inside the sandbox. */
  socketPath: string;
  /** Loopback address and port to listen on; port 0 picks one. */
  host: string;
  port: number;
}

export interface Bridge {
  host: string;
  port: number;
  close(): Promise<void>;
}

/** Parse `--listen HOST:PORT`; only loopback addresses are accepted. */
export function parseListen(text: string): { host: string; port: number } {
  const colon = text.lastIndexOf(':');
  const host = colon === -1 ? '' : text.slice(0, colon).replace(/^\[|\]$/g, '');
  const portText = colon === -1 ? '' : text.slice(colon + 1);
  const port = Number(portText);
  if (!/^[0-9]{1,5}$/.test(portText) || port > 65535) {
    throw new OctantError('E_USAGE', `--listen '${text}': expected HOST:PORT`, { exit: EXIT.usage });
  }
  // The bridge must never become a relay for anything outside the sandbox's loopback.
  if (!(host === '::1' || (isIP(host) === 4 && host.startsWith('127.')))) {
    throw new OctantError('E_USAGE', `--listen '${text}': the bridge listens on loopback only (127.x.x.x or ::1)`, { exit: EXIT.usage });
  }
  return { host, port };
}

export async function startBridge(options: BridgeOptions): Promise<Bridge> {
  const open = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(options.socketPath);
    for (const s of [client, upstream]) {
      open.add(s);
      s.on('close', () => open.delete(s));
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(new OctantError('E_NET_BRIDGE_LISTEN', `${options.host}:${options.port}: cannot listen: ${error.message}`, { cause: error })));
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  return {
    host: options.host,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of open) s.destroy();
        server.close(() => resolve());
      }),
  };
}
