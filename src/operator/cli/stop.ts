// octant stop: ask the running system to stop gracefully (admin socket) and
// wait until it is gone, i.e. until nothing answers on the socket any more.

import { setTimeout as sleep } from 'node:timers/promises';
import { parseCommandArgs, stringFlag } from '../../lib/args.ts';
import { OctantError, usageError } from '../../lib/errors.ts';
import { writeLine } from '../../lib/io.ts';
import { adminCall } from '../../runtime/admin/client.ts';
import { answers } from '../../runtime/admin/socket.ts';
import { adminSocketPath, resolvePaths } from '../../runtime/paths.ts';
import type { Command } from './command.ts';

const POLL_MS = 25;

export const command: Command = {
  name: 'stop',
  summary: 'stop the running system gracefully and wait until it is down',
  usage: 'octant [--root DIR] stop [--timeout SECONDS]\n  --timeout  how long to wait for the system to go away (default 60)',
  async run(argv, { io, rootFlag }) {
    const parsed = parseCommandArgs('stop', argv, { timeout: { type: 'string' } }, false);
    const timeoutText = stringFlag(parsed, 'timeout') ?? '60';
    const timeout = Number(timeoutText);
    if (!Number.isFinite(timeout) || timeout <= 0) throw usageError(`stop: --timeout: expected a positive number of seconds, got '${timeoutText}'`);
    const paths = resolvePaths({ rootFlag, env: io.env });
    const reply = await adminCall<{ pid: number }>(paths, 'POST', '/v1/stop');
    const socket = adminSocketPath(paths);
    const deadline = Date.now() + timeout * 1000;
    while (await answers(socket)) {
      if (Date.now() > deadline) {
        throw new OctantError('E_STOP_TIMEOUT', `stop: the system (pid ${reply.pid}) still answers on ${socket} after ${timeoutText} s`, {
          hint: 'a service is slow to stop; see the log, or signal the process',
        });
      }
      await sleep(POLL_MS);
    }
    writeLine(io.stdout, `stopped (pid ${reply.pid})`);
    return 0;
  },
};
