// The initramfs's /init (boot-init.c) as bytes. dist/octant carries it
// (scripts/build.ts embeds it as base64, like the exec-guard helper), so
// `octant image build` needs no compiler; from sources it is compiled with
// the host's cc, with the exec-guard's flags (static, no libc, reproducible).

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXIT, OctantError, messageOf } from '../../lib/errors.ts';
import { EXEC_GUARD_CC_FLAGS } from '../../kernel/landlock/exec-guard-binary.ts';

declare global {
  // Set by scripts/build.ts in dist/octant; absent when run from sources.
  var __OCTANT_BOOT_INIT__: string | undefined;
}

export function bootInitSourcePath(): string {
  return join(dirname(fileURLToPath(import.meta.url)), 'boot-init.c');
}

/** Compiles boot-init.c with `cc`. */
export function compileBootInit(cc = process.env.CC ?? 'cc'): Buffer {
  const work = mkdtempSync(join(tmpdir(), 'octant-boot-init-'));
  try {
    const output = join(work, 'init');
    try {
      execFileSync(cc, [...EXEC_GUARD_CC_FLAGS, '-o', output, bootInitSourcePath()], { stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (error) {
      const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
      throw new OctantError('E_IMAGE_BOOT_INIT', `cannot compile the initramfs init with ${cc}: ${stderr || messageOf(error)}`, {
        exit: EXIT.unavailable, cause: error, hint: 'use the built dist/octant, which carries it, or install gcc',
      });
    }
    return readFileSync(output);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export function bootInitBinary(): Buffer {
  const embedded = globalThis.__OCTANT_BOOT_INIT__;
  return embedded !== undefined ? Buffer.from(embedded, 'base64') : compileBootInit();
}
