// The exec-guard helper (exec-guard.c) as a file bubblewrap can execute.
//
// Where its bytes come from:
//   - dist/octant: scripts/build.ts compiles it and embeds it in the bundle
//     (globalThis.__OCTANT_EXEC_GUARD__, base64), so the executable needs no
//     compiler and no file beside it;
//   - from sources (tests, `node src/main.ts`): compiled on first use with the
//     host's `cc`, cached by the hash of the source and the flags.
// Where it is written: once per content, `<dir>/exec-guard-<sha256:16>`, mode
// 0555, owned by this process's user, in a directory only that user can
// write. bwrap binds it read-only into each sandbox. The default directory is
// under the temporary directory, not the runtime's `run` directory: bwrap may
// run as an agent's own unprivileged uid, which must be able to reach the file
// (a `run` directory is usually private to the runtime).

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../../lib/atomic-file.ts';
import { compileFreestanding, freestandingInputs } from '../freestanding.ts';
import { OctantError, EXIT, messageOf } from '../../lib/errors.ts';

declare global {
  // Set by scripts/build.ts in dist/octant; absent when run from sources.
  var __OCTANT_EXEC_GUARD__: string | undefined;
}

function guardError(message: string, cause?: unknown, hint?: string): OctantError {
  return new OctantError('E_SANDBOX_EXEC_GUARD', message, { exit: EXIT.unavailable, cause, hint });
}

/** The C source, beside this file (only meaningful when running from sources). */
export function execGuardSourcePath(): string {
  return join(dirname(fileURLToPath(import.meta.url)), 'exec-guard.c');
}

/** Compiles exec-guard.c with `cc` and returns the binary. */
export function compileExecGuard(cc = process.env.CC ?? 'cc'): Buffer {
  return compileFreestanding(execGuardSourcePath(), cc, (message, cause) => guardError(`cannot compile the exec-guard helper with ${cc}: ${message}`, cause,
    'install a C compiler (Debian: apt-get install gcc), or run the built dist/octant, which carries the helper'));
}

/** A directory this user owns and nobody else can write (or an error naming it). */
function trustedDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o755 });
  } catch (error) {
    throw guardError(`cannot create ${dir}: ${messageOf(error)}`, error);
  }
  const st = lstatSync(dir);
  if (!st.isDirectory() || st.uid !== process.geteuid?.() || (st.mode & 0o022) !== 0) {
    throw guardError(`${dir} must be a directory owned by uid ${process.geteuid?.()} that no one else can write`, undefined,
      'remove it; OctantOS recreates it');
  }
  // Whatever the umask: bwrap running as an agent's own uid must reach the helper.
  if ((st.mode & 0o755) !== 0o755) chmodSync(dir, 0o755);
}

/** The file at `path` holds exactly `bytes`, is ours and read-only. */
function intact(path: string, bytes: Buffer): boolean {
  if (!existsSync(path)) return false;
  const st = lstatSync(path);
  return st.isFile() && st.uid === process.geteuid?.() && (st.mode & 0o7777) === 0o555 && readFileSync(path).equals(bytes);
}

/** Writes bytes to `path` atomically (temp file, then rename), mode 0555. */
function writeReadOnly(path: string, bytes: Buffer): void {
  try {
    writeFileAtomic(path, bytes, { mode: 0o555 });
  } catch (error) {
    throw guardError(`cannot write ${path}: ${messageOf(error)}`, error);
  }
}

function sha16(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex').slice(0, 16);
}

/** From sources: compiled once per (source, flags), kept in `dir`. */
function compiledFromSource(dir: string): Buffer {
  const cached = join(dir, `compiled-${sha16(freestandingInputs(execGuardSourcePath()))}`);
  if (existsSync(cached)) {
    const st = lstatSync(cached);
    if (st.isFile() && st.uid === process.geteuid?.() && (st.mode & 0o022) === 0) return readFileSync(cached);
  }
  const bytes = compileExecGuard();
  writeReadOnly(cached, bytes);
  return bytes;
}

/**
 * Where the helper goes unless the caller says: the temporary directory, or
 * /var/tmp where that one is mounted noexec (common on hardened hosts; bwrap
 * could not execute the helper from there) or private to its owner.
 */
export function defaultExecGuardDirs(): string[] {
  const name = `octant-exec-guard-${process.geteuid?.() ?? 'user'}`;
  return [...new Set([join(tmpdir(), name), join('/var/tmp', name)])];
}

/** The helper starts from `path`: run alone it must refuse its empty command line (exit 120) and do nothing else. */
function startsFrom(path: string): boolean {
  return spawnSync(path, [], { stdio: 'ignore', timeout: 5000 }).status === 120;
}

/** Every directory from / down to `dir` can be passed through by anyone (bwrap runs as the agent's own uid). */
function reachableByAgents(dir: string): boolean {
  for (let at = dir; ; at = dirname(at)) {
    if ((statSync(at).mode & 0o001) === 0) return false;
    if (at === dirname(at)) return true;
  }
}

function install(dir: string): string {
  trustedDir(dir);
  const embedded = globalThis.__OCTANT_EXEC_GUARD__;
  const bytes = embedded !== undefined ? Buffer.from(embedded, 'base64') : compiledFromSource(dir);
  const path = join(dir, `exec-guard-${sha16(bytes)}`);
  if (!intact(path, bytes)) writeReadOnly(path, bytes);
  return path;
}

const installed = new Map<string, string>();

/**
 * The host path of the helper, written on first use in `dir` (default: the
 * first of defaultExecGuardDirs() it can be executed from) and checked again
 * (cheaply: it still exists) on every later call.
 */
export function execGuardPath(dir?: string): string {
  const key = dir ?? '';
  const known = installed.get(key);
  if (known !== undefined && existsSync(known)) return known;
  const tried: string[] = [];
  for (const candidate of dir !== undefined ? [dir] : defaultExecGuardDirs()) {
    const path = install(candidate);
    if (startsFrom(path) && reachableByAgents(candidate)) {
      installed.set(key, path);
      return path;
    }
    tried.push(candidate);
  }
  throw guardError(`the exec-guard helper cannot be executed from ${tried.join(' or ')} (a noexec mount, or a directory on the way agents cannot pass through?)`, undefined,
    'give the launcher a directory every uid can pass through, on a filesystem that allows execution (LaunchOptions.execGuardDir)');
}
