// The octant commands `octant init` runs once the system is ready
// (`init.run` in octant.yaml): an appliance's agents, started the way an
// operator would start them, one after the other. Each is this executable
// with the listed arguments, never a shell, its output on init's console.
// A failing command is logged and the next one runs: the system stays up.

import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { messageOf } from '../lib/errors.ts';
import { buildInfo } from '../lib/build-info.ts';
import type { Logger } from '../runtime/log.ts';

/** This executable, or node + main.ts when running from sources. */
function self(): string[] {
  return buildInfo().sea ? [process.execPath] : [process.execPath, '--disable-warning=ExperimentalWarning', process.argv[1]];
}

/** Seconds since the kernel started (proc(5) /proc/uptime), or undefined. */
export function kernelUptimeMs(): number | undefined {
  try {
    return Math.round(Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]) * 1000);
  } catch {
    return undefined;
  }
}

function runOne(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; signal: string | null }> {
  const [program, ...prefix] = self();
  return new Promise((resolve, reject) => {
    const child = spawn(program, [...prefix, ...argv], { stdio: ['ignore', 'inherit', 'inherit'], env });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });
}

/** Runs each command in turn; resolves when all have ended (or `stopping()` says the system is going down). */
export async function runBootCommands(commands: readonly (readonly string[])[], log: Logger, stopping: () => boolean, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  for (const argv of commands) {
    if (stopping()) return;
    log.info('boot command', { argv });
    try {
      const exit = await runOne(argv, env);
      log.info('boot command ended', { argv, ...exit });
    } catch (error) {
      log.error('boot command failed', { argv, error: messageOf(error) });
    }
  }
}
