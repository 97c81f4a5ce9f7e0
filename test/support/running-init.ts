// A PID 1 under test: `unshare --pid --fork --mount-proc` runs an init as
// the first process of a new pid namespace; this class collects its JSON log,
// finds its host pid, and runs commands inside its namespaces with nsenter.
import assert from 'node:assert/strict';
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

/** The command prefix that makes the next program PID 1 of a new pid namespace. */
export const AS_PID1 = ['unshare', '--pid', '--fork', '--mount-proc'];

/** Why PID 1 tests cannot run here, or undefined when they can. */
export function pid1Skip(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root (pid and mount namespaces)';
  for (const tool of ['unshare', 'nsenter']) {
    try {
      execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    } catch {
      return `${tool} is not installed (util-linux)`;
    }
  }
  return undefined;
}

export interface LogLine { msg: string; [key: string]: unknown }

/** A running init: its log lines as they arrive, and its exit. */
export class RunningInit {
  readonly lines: LogLine[] = [];
  readonly exited: Promise<number | null>;
  private waiters: Array<() => void> = [];
  readonly proc: ChildProcess;

  /** `logOn`: where the init writes its JSON log (the fixture: stdout; `octant init`: stderr). */
  constructor(args: string[], env: Record<string, string> = {}, logOn: 'stdout' | 'stderr' = 'stdout') {
    this.proc = spawn(args[0], args.slice(1), {
      env: { ...process.env, ...env },
      stdio: ['ignore', logOn === 'stdout' ? 'pipe' : 'inherit', logOn === 'stderr' ? 'pipe' : 'inherit'],
    });
    createInterface({ input: (logOn === 'stdout' ? this.proc.stdout : this.proc.stderr)! }).on('line', (line) => {
      try {
        this.lines.push(JSON.parse(line) as LogLine);
      } catch {
        this.lines.push({ msg: `(not json) ${line}` });
      }
      for (const wake of this.waiters.splice(0)) wake();
    });
    this.exited = new Promise((resolve) => this.proc.on('exit', (code) => { for (const wake of this.waiters.splice(0)) wake(); resolve(code); }));
  }

  /** The first log line matching, waiting for it (fails on exit or after 20 s). */
  async waitFor(match: (line: LogLine) => boolean, what: string): Promise<LogLine> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const found = this.lines.find(match);
      if (found !== undefined) return found;
      if (this.proc.exitCode !== null || Date.now() > deadline) {
        assert.fail(`init never logged ${what}; log:\n${this.lines.map((l) => JSON.stringify(l)).join('\n')}`);
      }
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 250);
      });
    }
  }

  /** Host pid of the namespace's PID 1: unshare's only child. */
  nsInitPid(): number {
    const unshare = this.proc.pid!;
    return Number(readFileSync(`/proc/${unshare}/task/${unshare}/children`, 'utf8').trim().split(' ')[0]);
  }

  /** Cleanup after a failed test: the namespace's init first, or it would outlive unshare. */
  kill(): void {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    try {
      process.kill(this.nsInitPid(), 'SIGKILL');
    } catch { /* not started, or gone */ }
    this.proc.kill('SIGKILL');
  }

  /** Run a shell command inside the init's pid and mount namespaces. */
  inside(script: string): string {
    return execFileSync('nsenter', ['--target', String(this.nsInitPid()), '--pid', '--mount', 'sh', '-c', script], { encoding: 'utf8' });
  }
}

