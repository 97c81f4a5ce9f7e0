// The command lines a document shows: every `octant ...`, `dist/octant ...`
// and `npm ...` line in its shell code blocks (```sh, ```bash, ```shell,
// ```console), with the line number, continuations joined and the trailing
// comment taken off. A line whose comment says
//   (not run by the docs test: REASON)
// is returned with that reason and not run: the annotation is in the
// document itself, where a reader sees it (README.md "Documented commands").

import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface DocCommand {
  file: string;
  line: number;
  command: string;
  /** Why the docs test does not run it (from the line's own annotation). */
  notRun?: string;
}

const SHELL = /^```(sh|bash|shell|console)\s*$/;
const RUNNABLE = /^(octant|dist\/octant|npm)(\s|$)/;
export const NOT_RUN = /\(not run by the docs test: ([^)]+)\)/;

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
    out.push({ file, line: start + 1, command, ...(notRun === undefined ? {} : { notRun }) });
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
