// The root file system's contents, staged in a directory for mksquashfs:
// /octant and the links to it, the shared libraries it and bubblewrap load
// (their closure as ldd(1) reports it), bubblewrap (every agent sandbox is
// built with it), the CA certificates, and the empty mount points the boot
// fills in. Nothing else: no shell, no coreutils (docs/image.md, "Root").

import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { OctantError, messageOf } from '../../lib/errors.ts';
import { UTILITIES } from '../../utils/index.ts';

export interface RootInputs {
  /** The octant executable to put at /octant. */
  executable: string;
  /** bubblewrap (default /usr/bin/bwrap). */
  bwrap: string;
  /** The CA bundle (default /etc/ssl/certs/ca-certificates.crt). */
  caCertificates: string;
}

/** Mount points: the kernel's file systems, the data disk and the state binds on it (boot-init.c). */
export const MOUNT_POINTS = [
  'dev', 'proc', 'sys', 'run', 'tmp', 'data', 'etc/octant', 'var/lib/octant', 'var/log/octant', 'opt/octant',
  'var/lib/octant-sandboxes',
] as const;

/** The absolute paths of the shared objects `program` loads, the ELF interpreter included (ldd(1)). */
export function libraryClosure(program: string): string[] {
  let text: string;
  try {
    text = execFileSync('ldd', [program], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    throw new OctantError('E_IMAGE_LIBRARIES', `cannot list the shared libraries of ${program}: ${messageOf(error)}`, { cause: error });
  }
  const paths: string[] = [];
  for (const line of text.split('\n')) {
    // "libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x...)" or "/lib64/ld-linux-x86-64.so.2 (0x...)"
    const match = /(?:=>\s*)?(\/\S+)\s+\(0x[0-9a-f]+\)/.exec(line);
    if (match !== null) paths.push(match[1]);
    else if (/not found/.test(line)) throw new OctantError('E_IMAGE_LIBRARIES', `${program}: ${line.trim()}`);
  }
  return paths;
}

function place(root: string, source: string, target: string, mode: number): void {
  if (!existsSync(source)) throw new OctantError('E_IMAGE_INPUT', `image root: ${source} does not exist`);
  const path = join(root, target);
  mkdirSync(dirname(path), { recursive: true });
  copyFileSync(source, path); // follows symlinks: the image holds the real bytes under the name the loader asks for
  chmodSync(path, mode);
}

/** Fills the empty directory `root`; returns the paths placed, sorted. */
export function stageRoot(root: string, inputs: RootInputs): string[] {
  const placed = new Set<string>();
  place(root, inputs.executable, 'octant', 0o755);
  placed.add('/octant');
  place(root, inputs.bwrap, 'usr/bin/bwrap', 0o755);
  placed.add('/usr/bin/bwrap');
  for (const library of new Set([...libraryClosure(inputs.executable), ...libraryClosure(inputs.bwrap)])) {
    place(root, library, library.slice(1), 0o755);
    placed.add(library);
  }
  place(root, inputs.caCertificates, 'etc/ssl/certs/ca-certificates.crt', 0o644);
  placed.add('/etc/ssl/certs/ca-certificates.crt');
  // Multicall links: `ls` in the image is /octant invoked as "ls".
  mkdirSync(join(root, 'bin'), { recursive: true });
  for (const utility of UTILITIES) {
    symlinkSync('/octant', join(root, 'bin', utility.name));
    placed.add(`/bin/${utility.name}`);
  }
  for (const point of MOUNT_POINTS) mkdirSync(join(root, point), { recursive: true });
  return [...placed].sort();
}
