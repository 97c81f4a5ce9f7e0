// Reaping orphans. As PID 1 (or as a child subreaper, prctl(2)
// PR_SET_CHILD_SUBREAPER) every orphaned descendant is reparented to us; when
// it exits it stays a zombie until we wait for it.
//
// libuv waits only for the children it spawned, each by its own pid. We must
// never call waitpid(-1): it would take the exit status of a libuv child and
// child_process would never learn how its child ended. So we wait for each
// zombie child by pid, skipping the ones libuv spawned. Those are known from
// the `child_process` diagnostics channel, which Node publishes for every
// ChildProcess it creates (including unref'd ones, which
// process._getActiveHandles() would miss).

import dc from 'node:diagnostics_channel';
import type { ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { waitpidNoHang } from '../../kernel/libc.ts';
import type { Logger } from '../log.ts';

export interface Reaper {
  /** Wait for every zombie child libuv did not spawn; returns the pids reaped. */
  sweep(): number[];
  /** Zombie children right now (pid list), ours and libuv's alike. */
  zombies(): number[];
  /** Total reaped since creation. */
  readonly reaped: number;
  /** Reap on SIGCHLD and on a periodic sweep (a safety net for merged signals). */
  start(): void;
  stop(): void;
}

export interface ReaperOptions {
  log: Logger;
  /** Sweep interval as a safety net; 0 disables it. */
  sweepMs?: number;
}

/** Our direct children, from /proc/self/task/<tid>/children (orphans are
 *  reparented to one of our threads), else from a scan of every /proc/<pid>/stat. */
function childPids(): number[] {
  const pids = new Set<number>();
  try {
    for (const tid of readdirSync('/proc/self/task')) {
      for (const pid of readFileSync(`/proc/self/task/${tid}/children`, 'utf8').split(' ')) {
        if (pid.trim() !== '') pids.add(Number(pid));
      }
    }
    return [...pids];
  } catch {
    // Kernel without CONFIG_PROC_CHILDREN: fall back to reading every stat.
  }
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readStat(Number(name));
    if (stat !== undefined && stat.ppid === process.pid) pids.add(Number(name));
  }
  return [...pids];
}

/** State and parent of a process from /proc/<pid>/stat (proc(5)); the
 *  command name may contain spaces and parentheses, so split after the last ')'. */
export function readStat(pid: number): { state: string; ppid: number } | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined; // gone already
  }
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0], ppid: Number(fields[1]) };
}

export function createReaper(options: ReaperOptions): Reaper {
  const log = options.log;
  // ChildProcess objects Node created; their pid is set once spawn() returns.
  const spawned = new Set<ChildProcess>();
  const channel = dc.channel('child_process');
  const onSpawn = (message: unknown): void => {
    const child = (message as { process: ChildProcess }).process;
    spawned.add(child);
    child.once('exit', () => spawned.delete(child));
    child.once('error', () => { if (child.pid === undefined) spawned.delete(child); });
  };
  channel.subscribe(onSpawn);
  let reaped = 0;
  let timer: NodeJS.Timeout | undefined;
  let subscribedSignal = false;

  const libuvPids = (): Set<number> => {
    const pids = new Set<number>();
    for (const child of spawned) if (child.pid !== undefined) pids.add(child.pid);
    return pids;
  };

  const zombies = (): number[] => childPids().filter((pid) => readStat(pid)?.state === 'Z');

  const sweep = (): number[] => {
    const skip = libuvPids();
    const done: number[] = [];
    for (const pid of zombies()) {
      if (skip.has(pid)) continue;
      const result = waitpidNoHang(pid);
      if (result === pid) {
        done.push(pid);
        reaped++;
      } else if (result < 0) {
        // ECHILD: someone else (libuv) reaped it between our read and the wait.
        log.warn('waitpid failed', { pid, errno: -result });
      }
    }
    if (done.length > 0) log.info('reaped orphans', { pids: done });
    return done;
  };

  const onSigchld = (): void => { sweep(); };

  return {
    sweep,
    zombies,
    get reaped() { return reaped; },
    start() {
      if (!subscribedSignal) {
        process.on('SIGCHLD', onSigchld);
        subscribedSignal = true;
      }
      const every = options.sweepMs ?? 1_000;
      if (timer === undefined && every > 0) {
        timer = setInterval(sweep, every);
        timer.unref();
      }
      sweep();
    },
    stop() {
      if (subscribedSignal) process.off('SIGCHLD', onSigchld);
      subscribedSignal = false;
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
      channel.unsubscribe(onSpawn);
    },
  };
}
