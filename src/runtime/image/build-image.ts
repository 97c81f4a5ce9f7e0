// `octant image build`: the bootable image set, reproducibly (same inputs and
// SOURCE_DATE_EPOCH, same root hash). Outputs, in one directory:
//   root.img       the squashfs root, padded to 4 KiB, then its dm-verity hash
//                  tree (veritysetup format --no-superblock --hash-offset)
//   initramfs.img  a newc cpio: boot-init (/init) and the modules it loads
//   vmlinuz        the kernel, from the same kernel package as the modules
//   data.img       an empty ext4 file system for the data disk (the state on
//                  it is created on first boot)
//   image.json     root hash, salt, sizes and the kernel command line
// The salt is the SHA-256 of the squashfs: fixed for given contents (so the
// root hash is reproducible), different for every image.

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { EXIT, OctantError, messageOf } from '../../lib/errors.ts';
import { bootInitBinary } from './boot-init-binary.ts';
import { writeCpio, type CpioEntry } from './cpio.ts';
import { resolveModules } from './kernel-modules.ts';
import { stageRoot, type RootInputs } from './root-tree.ts';

/** What the initramfs loads: the virtio disk, dm-verity, the two file systems (ext4 asks the crypto API for crc32c). */
export const BOOT_MODULES = ['virtio_pci', 'virtio_blk', 'dm_verity', 'squashfs', 'crc32c_generic', 'ext4'] as const;
const BLOCK = 4096;
const DATA_DISK_BYTES = 1024 * 1024 * 1024;

export interface ImageBuildOptions extends RootInputs {
  /** An unpacked Debian kernel package (boot/vmlinuz-*, lib/modules/<version>/). */
  kernelDir: string;
  out: string;
  /** Every timestamp in the image (SOURCE_DATE_EPOCH). */
  epoch: number;
}

export interface ImageManifest {
  kernel: string;
  rootHash: string;
  salt: string;
  dataBlocks: number;
  hashStartBlock: number;
  squashfsBytes: number;
  rootImageBytes: number;
  initramfsBytes: number;
  contents: string[];
  modules: string[];
  cmdline: string;
}

function run(tool: string, args: string[], code: string): string {
  // The epoch travels as flags; mksquashfs refuses SOURCE_DATE_EPOCH beside them.
  const { SOURCE_DATE_EPOCH: _, ...env } = process.env;
  try {
    return execFileSync(tool, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new OctantError(code, `${tool} failed: ${missing ? 'not installed' : stderr || messageOf(error)}`, {
      exit: missing ? EXIT.unavailable : EXIT.failure,
      cause: error,
      hint: missing ? 'install squashfs-tools, cryptsetup-bin and e2fsprogs (Debian)' : undefined,
    });
  }
}

function kernelParts(kernelDir: string): { vmlinuz: string; modulesDir: string; version: string } {
  const boot = join(kernelDir, 'boot');
  const kernels = existsSync(boot) ? readdirSync(boot).filter((f) => f.startsWith('vmlinuz-')) : [];
  if (kernels.length !== 1) {
    throw new OctantError('E_IMAGE_INPUT', `--kernel ${kernelDir}: expected exactly one boot/vmlinuz-*, found ${kernels.length}`, {
      hint: "unpack Debian's kernel package: apt-get download linux-image-amd64's dependency, then dpkg-deb -x PACKAGE DIR",
    });
  }
  const version = kernels[0].slice('vmlinuz-'.length);
  const modulesDir = join(kernelDir, 'lib', 'modules', version);
  if (!existsSync(join(modulesDir, 'kernel'))) throw new OctantError('E_IMAGE_INPUT', `--kernel ${kernelDir}: no lib/modules/${version}/kernel`);
  return { vmlinuz: join(boot, kernels[0]), modulesDir, version };
}

/** Every directory 0755, so the image does not depend on the umask. */
function normalizeDirs(dir: string): void {
  chmodSync(dir, 0o755);
  for (const entry of readdirSync(dir, { withFileTypes: true })) if (entry.isDirectory()) normalizeDirs(join(dir, entry.name));
}

function buildInitramfs(modules: string[], epoch: number): Buffer {
  const entries: CpioEntry[] = [
    { path: 'init', kind: 'file', mode: 0o755, data: bootInitBinary() },
    { path: 'dev', kind: 'dir', mode: 0o755 },
    { path: 'dev/console', kind: 'char', mode: 0o600, major: 5, minor: 1 },
    { path: 'proc', kind: 'dir', mode: 0o555 },
    { path: 'sys', kind: 'dir', mode: 0o555 },
    { path: 'newroot', kind: 'dir', mode: 0o755 },
    { path: 'etc', kind: 'dir', mode: 0o755 },
    { path: 'etc/modules', kind: 'file', mode: 0o644, data: Buffer.from(modules.map((m) => `/lib/modules/${basename(m)}\n`).join('')) },
    { path: 'lib', kind: 'dir', mode: 0o755 },
    { path: 'lib/modules', kind: 'dir', mode: 0o755 },
    ...modules.map((m): CpioEntry => ({ path: `lib/modules/${basename(m)}`, kind: 'file', mode: 0o644, data: readFileSync(m) })),
  ];
  return writeCpio(entries, epoch);
}

export function buildImage(options: ImageBuildOptions): ImageManifest {
  const kernel = kernelParts(options.kernelDir);
  const modules = resolveModules(kernel.modulesDir, BOOT_MODULES);
  mkdirSync(options.out, { recursive: true });
  const staging = join(options.out, '.root');
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging);
  try {
    const contents = stageRoot(staging, options);
    normalizeDirs(staging);
    const squashfs = join(options.out, 'root.img');
    rmSync(squashfs, { force: true });
    const epoch = String(options.epoch);
    run('mksquashfs', [staging, squashfs, '-noappend', '-reproducible', '-all-root', '-no-xattrs', '-comp', 'zstd', '-Xcompression-level', '3',
      '-mkfs-time', epoch, '-all-time', epoch, '-quiet', '-no-progress'], 'E_IMAGE_SQUASHFS');
    const squashfsBytes = statSync(squashfs).size;
    const dataBlocks = Math.ceil(squashfsBytes / BLOCK);
    truncateSync(squashfs, dataBlocks * BLOCK);
    const salt = createHash('sha256').update(readFileSync(squashfs)).digest('hex');
    const format = run('veritysetup', ['format', squashfs, squashfs, '--no-superblock', `--hash-offset=${dataBlocks * BLOCK}`,
      `--data-blocks=${dataBlocks}`, '--data-block-size=4096', '--hash-block-size=4096', '--hash=sha256', `--salt=${salt}`], 'E_IMAGE_VERITY');
    const rootHash = /Root hash:\s*([0-9a-f]{64})/.exec(format)?.[1];
    if (rootHash === undefined) throw new OctantError('E_IMAGE_VERITY', `veritysetup printed no root hash:\n${format}`);

    const initramfs = buildInitramfs(modules, options.epoch);
    writeFileSync(join(options.out, 'initramfs.img'), initramfs);
    copyFileSync(kernel.vmlinuz, join(options.out, 'vmlinuz'));
    const data = join(options.out, 'data.img');
    rmSync(data, { force: true });
    writeFileSync(data, '');
    truncateSync(data, DATA_DISK_BYTES);
    run('mkfs.ext4', ['-q', '-F', '-L', 'octant-data', '-E', 'root_owner=0:0', data], 'E_IMAGE_DATA_DISK');

    const manifest: ImageManifest = {
      kernel: kernel.version,
      rootHash,
      salt,
      dataBlocks,
      hashStartBlock: dataBlocks,
      squashfsBytes,
      rootImageBytes: statSync(squashfs).size,
      initramfsBytes: initramfs.length,
      contents,
      modules: modules.map((m) => basename(m, '.ko')),
      cmdline: `console=ttyS0 octant.root=/dev/vda octant.verity=${dataBlocks},${dataBlocks},${rootHash},${salt} octant.data=/dev/vdb`,
    };
    writeFileSync(join(options.out, 'image.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    return manifest;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
