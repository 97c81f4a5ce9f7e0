// octant stop: ask the running system to stop gracefully (admin socket) and
// wait until it is gone, i.e. until nothing answers on the socket any more.

import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { boolFlag, stringFlag } from '../../lib/args.ts';
import { OctantError, usageError } from '../../lib/errors.ts';
import { writeLine } from '../../lib/io.ts';
import { admin } from '../../runtime/admin/client.ts';
import { SYSTEM_API } from '../../runtime/admin/system-api.ts';
import { answers } from '../../runtime/admin/socket.ts';
import { adminSocketPath } from '../../runtime/paths.ts';
import type { Command } from './command.ts';

const POLL_MS = 25;

/** True while a process with this pid runs. Signal 0 checks existence; a
 *  zombie (exited, not yet reaped by its parent) exists but is gone for us. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false; // vanished between the two checks
  }
}

export const command: Command = {
  name: 'stop',
  summary: 'stop the running system gracefully and wait until it is down',
  options: {
    timeout: { type: 'string', value: 'SECONDS', help: 'how long to wait for the system to go away (default 60)' },
    poweroff: { type: 'boolean', help: '(octant init as PID 1) power the machine off once everything has stopped' },
    reboot: { type: 'boolean', help: '(octant init as PID 1) restart the machine once everything has stopped' },
  },
  positionals: false,
  async run(parsed, { io, paths: layout }) {
    const timeoutText = stringFlag(parsed, 'timeout') ?? '60';
    const timeout = Number(timeoutText);
    if (!Number.isFinite(timeout) || timeout <= 0) throw usageError(`stop: --timeout: expected a positive number of seconds, got '${timeoutText}'`);
    if (boolFlag(parsed, 'poweroff') && boolFlag(parsed, 'reboot')) throw usageError('stop: --poweroff and --reboot exclude each other');
    const then = boolFlag(parsed, 'poweroff') ? 'poweroff' : boolFlag(parsed, 'reboot') ? 'reboot' : undefined;
    const paths = layout();
    const reply = await admin(paths).call(SYSTEM_API.stop, then === undefined ? undefined : { then });
    const socket = adminSocketPath(paths);
    const deadline = Date.now() + timeout * 1000;
    // Gone means: the socket no longer answers and the process has exited (as
    // PID 1 its exit ends the machine or container, so only the socket counts).
    while (await answers(socket) || (reply.pid !== 1 && alive(reply.pid))) {
      if (Date.now() > deadline) {
        throw new OctantError('E_STOP_TIMEOUT', `stop: the system (pid ${reply.pid}) is still running after ${timeoutText} s`, {
          hint: 'a service is slow to stop; see the log, or signal the process',
        });
      }
      await sleep(POLL_MS);
    }
    writeLine(io.stdout, `stopped (pid ${reply.pid})`);
    return 0;
  },
};
