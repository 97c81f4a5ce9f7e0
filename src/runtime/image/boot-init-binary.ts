// The initramfs's /init (boot-init.c) as bytes. dist/octant carries it
// (scripts/build.ts embeds it as base64, like the exec-guard helper), so
// `octant image build` needs no compiler; from sources it is compiled with
// the host's cc, with kernel/freestanding.ts (static, no libc, reproducible).

import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXIT, OctantError } from '../../lib/errors.ts';
import { compileFreestanding } from '../../kernel/freestanding.ts';

declare global {
  // Set by scripts/build.ts in dist/octant; absent when run from sources.
  var __OCTANT_BOOT_INIT__: string | undefined;
}

export function bootInitSourcePath(): string {
  return join(dirname(fileURLToPath(import.meta.url)), 'boot-init.c');
}

/** Compiles boot-init.c with `cc`. */
export function compileBootInit(cc = process.env.CC ?? 'cc'): Buffer {
  return compileFreestanding(bootInitSourcePath(), cc, (message, cause) => new OctantError('E_IMAGE_BOOT_INIT', `cannot compile the initramfs init with ${cc}: ${message}`, {
    exit: EXIT.unavailable, cause, hint: 'use the built dist/octant, which carries it, or install gcc',
  }));
}

export function bootInitBinary(): Buffer {
  const embedded = globalThis.__OCTANT_BOOT_INIT__;
  return embedded !== undefined ? Buffer.from(embedded, 'base64') : compileBootInit();
}
