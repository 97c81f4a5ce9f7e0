// The command lines a document shows: every `octant ...`, `dist/octant ...`
// and `npm ...` line in its shell code blocks (```sh, ```bash, ```shell,
// ```console), with the line number, continuations joined and the trailing
// comment taken off. A line whose comment says
//   (not run by the docs test: REASON)
// is returned with that reason and not run: the annotation is in the
// document itself, where a reader sees it (README.md "Documented commands").

import { spawn, spawnSync, type ChildProcess, type SpawnSyncReturns } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface DocCommand {
  file: string;
  line: number;
  command: string;
  /** Why the docs test does not run it (from the line's own annotation). */
  notRun?: string;
  /** Marked "(the docs test runs it in the background)": a command that stays up (octant up). */
  background?: true;
}

const SHELL = /^```(sh|bash|shell|console)\s*$/;
const RUNNABLE = /^(octant|dist\/octant|npm)(\s|$)/;
export const NOT_RUN = /\(not run by the docs test: ([^)]+)\)/;
export const BACKGROUND = '(the docs test runs it in the background)';

/** Split a shell line at its comment: the first `#` outside quotes that starts a word. */
export function splitComment(text: string): { command: string; comment: string } {
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote !== undefined) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"') i++;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '\\') i++;
    else if (c === '#' && (i === 0 || /\s/.test(text[i - 1]!))) return { command: text.slice(0, i).trim(), comment: text.slice(i + 1).trim() };
  }
  return { command: text.trim(), comment: '' };
}

export function docCommands(file: string, markdown: string): DocCommand[] {
  const out: DocCommand[] = [];
  const lines = markdown.split('\n');
  let inShell = false;
  let inOther = false;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    if (!inShell && !inOther) {
      if (SHELL.test(raw)) inShell = true;
      else if (raw.startsWith('```')) inOther = true;
      continue;
    }
    if (raw.startsWith('```')) {
      inShell = false;
      inOther = false;
      continue;
    }
    if (!inShell) continue;
    const start = i;
    let text = raw.replace(/^\$ /, '');
    while (text.endsWith('\\') && i + 1 < lines.length) text = `${text.slice(0, -1)} ${lines[++i]!.trim()}`;
    const { command, comment } = splitComment(text);
    if (!RUNNABLE.test(command)) continue;
    const notRun = NOT_RUN.exec(comment)?.[1]?.trim();
    out.push({ file, line: start + 1, command, ...(notRun === undefined ? {} : { notRun }), ...(comment.includes(BACKGROUND) ? { background: true as const } : {}) });
  }
  return out;
}

/** Host directories documented commands write to (octant install), each replaced by a scratch directory while they run. */
export const CONTAINED = ['/usr/local/bin', '/opt', '/etc/systemd/system'];

/**
 * A fresh home for one document's lines: `octant` on PATH and `dist/octant`
 * in the working directory are `octant`, and a scratch directory stands in
 * for each contained host directory.
 */
export function docHome(octant: string): { home: string; env: Record<string, string> } {
  const home = mkdtempSync(join(tmpdir(), 'octant-docs-'));
  mkdirSync(join(home, 'bin'));
  symlinkSync(octant, join(home, 'bin', 'octant'));
  mkdirSync(join(home, 'dist'));
  symlinkSync(octant, join(home, 'dist', 'octant'));
  for (const dir of CONTAINED) mkdirSync(join(home, 'host', dir), { recursive: true });
  return { home, env: { PATH: `${join(home, 'bin')}:/usr/local/bin:/usr/bin:/bin`, HOME: home, LANG: 'C.UTF-8' } };
}

/** Run one documented line with sh, in its own mount namespace where the contained directories are the home's (root only). */
export function runDocCommand(command: string, home: string, env: Record<string, string>, timeout = 120_000): SpawnSyncReturns<string> {
  const binds = CONTAINED.map((dir) => `mount --bind '${join(home, 'host', dir)}' '${dir}'`).join(' && ');
  return spawnSync('unshare', ['--mount', 'sh', '-c', `${binds} && exec sh -c "$0"`, command], { cwd: home, env, encoding: 'utf8', timeout });
}

/**
 * Start a line that stays up (octant up) and wait until `octant status`
 * answers; the caller stops it with stopBackground after the document's
 * last line.
 */
export async function startBackground(command: string, home: string, env: Record<string, string>, waitMs = 120_000): Promise<ChildProcess> {
  const child = spawn('sh', ['-c', command], { cwd: home, env, stdio: 'ignore' });
  const deadline = Date.now() + waitMs;
  while (runDocCommand('octant status', home, env).status !== 0) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`\`${command}\` did not bring up a system that answers octant status${child.exitCode !== null ? ` (exited ${child.exitCode})` : ''}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return child;
}

/** `octant stop`, then make sure the background line has ended. */
export async function stopBackground(child: ChildProcess, home: string, env: Record<string, string>): Promise<void> {
  if (child.exitCode === null) runDocCommand('octant stop', home, env);
  if (child.exitCode === null) {
    const ended = new Promise((r) => child.once('exit', r));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    await ended;
    clearTimeout(timer);
  }
}
