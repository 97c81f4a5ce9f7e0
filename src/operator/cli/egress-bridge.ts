// octant egress-bridge: the utility mode that runs inside an agent's sandbox.
// It offers the host proxy (reached over a bound Unix socket) as an HTTP
// proxy on loopback, and runs until it is signalled.

import { parseCommandArgs, stringFlag } from '../../lib/args.ts';
import { usageError } from '../../lib/errors.ts';
import { parseListen, startBridge } from '../../kernel/net/bridge.ts';
import type { Command } from './command.ts';

export const command: Command = {
  name: 'egress-bridge',
  summary: '(inside a sandbox) offer the egress proxy socket as an HTTP proxy on loopback',
  usage: [
    'octant egress-bridge --socket PATH [--listen 127.0.0.1:3128]',
    '',
    'Relays connections on the loopback address to the host egress proxy at PATH.',
    'Programs in the sandbox use it through HTTP_PROXY / HTTPS_PROXY.',
  ].join('\n'),
  async run(argv, { io }) {
    const parsed = parseCommandArgs('egress-bridge', argv, { socket: { type: 'string' }, listen: { type: 'string' } }, false);
    const socketPath = stringFlag(parsed, 'socket');
    if (socketPath === undefined) throw usageError('egress-bridge: --socket PATH is required');
    const { host, port } = parseListen(stringFlag(parsed, 'listen') ?? '127.0.0.1:3128');
    const bridge = await startBridge({ socketPath, host, port });
    io.stderr.write(`egress-bridge: listening on ${host}:${bridge.port}\n`);
    await new Promise<void>((resolve) => {
      const stop = (): void => {
        process.off('SIGTERM', stop);
        process.off('SIGINT', stop);
        resolve();
      };
      process.on('SIGTERM', stop);
      process.on('SIGINT', stop);
    });
    await bridge.close();
    return 0;
  },
};
