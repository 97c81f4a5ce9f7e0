// Compiling OctantOS's libc-free C helpers (exec-guard.c, boot-init.c) with
// the host's cc. Both include freestanding.h; dist/octant carries their
// binaries (scripts/build.ts), so only a run from sources needs a compiler.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { messageOf } from '../lib/errors.ts';

/**
 * A static, libc-free, stripped binary whose bytes depend only on the source
 * and the compiler: no build id, no symbols, no file names (reproducible
 * builds, test/integration/reproducible-build.test.ts).
 */
export const FREESTANDING_CC_FLAGS = [
  '-static', '-nostdlib', '-ffreestanding', '-fno-builtin', '-fno-stack-protector', '-fno-pie', '-no-pie',
  '-fno-asynchronous-unwind-tables', '-fcf-protection=none', '-Os', '-Wall', '-Wextra', '-Werror',
  '-Wl,--build-id=none', '-s',
];

/** The shared header, beside this file (only meaningful when running from sources; nothing runs at import time). */
function headerPath(): string {
  return join(dirname(fileURLToPath(import.meta.url)), 'freestanding.h');
}

/** What a helper's binary depends on: its source, the shared header and the flags (a cache key). */
export function freestandingInputs(source: string): Buffer {
  return Buffer.concat([readFileSync(source), readFileSync(headerPath()), Buffer.from(FREESTANDING_CC_FLAGS.join(' '))]);
}

/** Compiles `source` with `cc`; a failure becomes the caller's error, given the compiler's message. */
export function compileFreestanding(source: string, cc: string, failed: (message: string, cause: unknown) => Error): Buffer {
  const work = mkdtempSync(join(tmpdir(), 'octant-cc-'));
  try {
    const output = join(work, 'out');
    try {
      execFileSync(cc, [...FREESTANDING_CC_FLAGS, '-o', output, source], { stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (error) {
      const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
      throw failed(stderr || messageOf(error), error);
    }
    return readFileSync(output);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
