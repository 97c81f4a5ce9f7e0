// octant egress-bridge: the utility mode that runs inside an agent's sandbox.
// It offers the host proxy (reached over a bound Unix socket) as an HTTP
// proxy on loopback, and runs until it is signalled.

import { spawn } from 'node:child_process';
import { stringFlag } from '../../lib/args.ts';
import { usageError } from '../../lib/errors.ts';
import { parseListen, startBridge } from '../../kernel/net/bridge.ts';
import { startRelay } from '../../agent/gateway/relay.ts';
import type { Command } from './command.ts';

export const command: Command = {
  name: 'egress-bridge',
  summary: '(inside a sandbox) offer the egress proxy socket as an HTTP proxy on loopback',
  synopsis: ['[--socket PATH [--listen 127.0.0.1:3128]] [--gateway-socket PATH --token-file FILE [--gateway-listen 127.0.0.1:8088]] [-- COMMAND [ARG...]]'],
  options: {
    socket: { type: 'string', value: 'PATH', help: 'the host egress proxy socket bound into the sandbox' },
    listen: { type: 'string', value: 'HOST:PORT', help: 'where the HTTP proxy listens (default 127.0.0.1:3128)' },
    'gateway-socket': { type: 'string', value: 'PATH', help: "the agent gateway's socket" },
    'token-file': { type: 'string', value: 'FILE', help: "the agent's token, put in place of any key a program sends" },
    'gateway-listen': { type: 'string', value: 'HOST:PORT', help: 'where the gateway is offered (default 127.0.0.1:8088)' },
  },
  positionals: false,
  notes: [
    'Relays connections on the loopback address to the host egress proxy at PATH.',
    'Programs in the sandbox use it through HTTP_PROXY / HTTPS_PROXY.',
    'With --gateway-socket, also offers the agent gateway over HTTP on loopback,',
    'with the agent token from FILE in place of any key the program sends',
    '(OPENAI_BASE_URL / ANTHROPIC_BASE_URL point there).',
    'With a COMMAND, runs it beside the bridge and exits with its status',
    '(this is how an agent is started); without, runs until signalled.',
  ].join('\n'),
  async run(parsed, { io }) {
    const socketPath = stringFlag(parsed, 'socket');
    const gatewaySocket = stringFlag(parsed, 'gateway-socket');
    if (socketPath === undefined && gatewaySocket === undefined) throw usageError('egress-bridge: --socket PATH or --gateway-socket PATH is required');
    const closers: (() => Promise<void>)[] = [];
    if (socketPath !== undefined) {
      const { host, port } = parseListen(stringFlag(parsed, 'listen') ?? '127.0.0.1:3128');
      const bridge = await startBridge({ socketPath, host, port });
      closers.push(() => bridge.close());
      io.stderr.write(`egress-bridge: listening on ${host}:${bridge.port}\n`);
    }
    if (gatewaySocket !== undefined) {
      const tokenFile = stringFlag(parsed, 'token-file');
      if (tokenFile === undefined) throw usageError('egress-bridge: --gateway-socket needs --token-file FILE');
      const { host, port } = parseListen(stringFlag(parsed, 'gateway-listen') ?? '127.0.0.1:8088');
      const relay = await startRelay({ socketPath: gatewaySocket, tokenFile, host, port });
      closers.push(() => relay.close());
      io.stderr.write(`egress-bridge: gateway on ${host}:${relay.port}\n`);
    }
    const code = parsed.rest.length > 0 ? await runBeside(parsed.rest) : await untilSignalled();
    for (const close of closers) await close();
    return code;
  },
};

function untilSignalled(): Promise<number> {
  return new Promise((resolve) => {
    const stop = (): void => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      resolve(0);
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
}

/** Run the agent's command with the same stdio; forward termination signals. */
function runBeside(command: string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command[0], command.slice(1), { stdio: 'inherit' });
    const forward = (signal: NodeJS.Signals): void => {
      child.kill(signal);
    };
    process.on('SIGTERM', forward);
    process.on('SIGINT', forward);
    child.on('error', (error) => {
      process.stderr.write(`egress-bridge: ${command[0]}: ${error.message}\n`);
      resolve(127);
    });
    child.on('exit', (code, signal) => {
      process.off('SIGTERM', forward);
      process.off('SIGINT', forward);
      resolve(code ?? 128 + (signal === null ? 0 : signalNumber(signal)));
    });
  });
}

function signalNumber(signal: NodeJS.Signals): number {
  return ({ SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 } as Record<string, number>)[signal] ?? 1;
}
