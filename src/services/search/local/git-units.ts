// A git repository as a corpus: its commits (`git log`: subject, message,
// author, date) and its tracked files (`git ls-files`, read from the work
// tree by the worker). git runs as a child process with a fixed argument
// list; its output is parsed here (the light part), the files are read and
// analyzed by the worker.

import { execFile } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { EXIT, OctantError } from '../../../lib/errors.ts';
import type { IndexUnit } from './corpus-types.ts';

/** Commits beyond this (newest first) are left out. */
export const MAX_COMMITS = 100_000;
const MAX_OUTPUT = 512 * 1024 * 1024;

function git(repo: string, args: string[], signal?: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('git', ['-C', repo, '-c', 'core.quotepath=off', ...args], { maxBuffer: MAX_OUTPUT, signal, encoding: 'utf8', env: { PATH: process.env.PATH ?? '/usr/bin:/bin', GIT_CONFIG_NOSYSTEM: '1', HOME: '/nonexistent' } },
      (error, stdout, stderr) => {
        if (error !== null) {
          reject(new OctantError('E_SEARCH_GIT', `git ${args[0]} in '${repo}' failed: ${(stderr || error.message).trim().split('\n')[0]}`, { exit: EXIT.failure, cause: error }));
        } else resolve(stdout);
      });
  });
}

export async function gitUnits(repos: readonly string[], signal?: AbortSignal): Promise<IndexUnit[]> {
  const units: IndexUnit[] = [];
  for (const repo of repos) {
    // Fields: hash, author, ISO date, subject, body; records end with RS (0x1e).
    const log = await git(repo, ['log', `--max-count=${MAX_COMMITS}`, '--no-color', '--format=%H%x00%an%x00%aI%x00%s%x00%b%x1e'], signal);
    for (const record of log.split('\x1e')) {
      const [sha, author, date, subject, body] = record.replace(/^\n/, '').split('\x00');
      if (sha === undefined || sha === '' || subject === undefined) continue;
      units.push({ doc: { id: `commit:${sha}`, title: subject, body: `${subject}\n${body ?? ''}`.trim(), meta: { type: 'commit', sha, author: author ?? '', date: date ?? '', repo } } });
    }
    const files = await git(repo, ['ls-files', '-z', '--full-name'], signal);
    const top = (await git(repo, ['rev-parse', '--show-toplevel'], signal)).trim();
    for (const name of files.split('\0')) {
      if (name === '') continue;
      const path = join(top, name);
      try {
        const s = await stat(path);
        if (s.isFile()) units.push({ path, stamp: `${s.size}:${Math.trunc(s.mtimeMs)}` });
      } catch { /* deleted in the work tree */ }
    }
  }
  return units;
}
