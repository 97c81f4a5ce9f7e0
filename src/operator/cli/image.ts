// octant image build: the bootable image set (verified squashfs root,
// initramfs, kernel, empty data disk) from this executable and an unpacked
// Debian kernel package. The work is runtime/image; this file parses flags
// and prints what was built (docs/image.md).

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { numberFlag, requirePositional, stringFlag } from '../../lib/args.ts';
import { buildInfo } from '../../lib/build-info.ts';
import { EXIT, OctantError, usageError } from '../../lib/errors.ts';
import { writeLine } from '../../lib/io.ts';
import type { Action, Command } from './command.ts';
import type { Io } from '../../lib/io.ts';
import type { Installed } from '../../runtime/image/install.ts';

/** The system disk: --disk, else the running A/B machine's own (octant.slots= on its kernel command line). */
async function diskFlag(disk: string | undefined, io: Io, command: string): Promise<string> {
  if (disk !== undefined) return resolve(io.cwd, disk);
  const { slotsDisk } = await import('../boot-assessment.ts');
  let cmdline = '';
  try { cmdline = readFileSync('/proc/cmdline', 'utf8'); } catch { /* not Linux: no default */ }
  const own = slotsDisk(cmdline);
  if (own === undefined) throw (await import('../image-update.ts')).missingDisk(command);
  return own;
}

export const INSTALL_OPTIONS = {
  disk: { type: 'string', value: 'DISK', help: "the system disk: a file (created when missing) or a block device (default: this A/B machine's)" },
  tries: { type: 'string', value: 'N', help: 'boots to try the new slot before falling back to the other (default 3)' },
  'slot-size': { type: 'string', value: 'MIB', help: 'the size of each slot when the disk is created (default 256)' },
} as const;

export function printInstalled(io: Io, installed: Installed, disk: string): void {
  writeLine(io.stdout, `${installed.created ? 'created ' : ''}${disk}: slot ${installed.slot} <- root hash ${installed.rootHash}, to try on the next boot (sequence ${installed.sequence})`);
}

const build: Action = {
  name: 'build',
  summary: 'build root.img (squashfs + dm-verity), initramfs.img, vmlinuz, data.img and image.json into --out',
  synopsis: ['--kernel DIR --out DIR [options]'],
  options: {
    kernel: { type: 'string', value: 'DIR', help: 'an unpacked Debian kernel package (dpkg-deb -x linux-image-6.1.0-*-amd64_*.deb DIR)' },
    out: { type: 'string', value: 'DIR', help: 'where the image set is written' },
    executable: { type: 'string', value: 'PATH', help: 'the octant executable to put at /octant (default: this one)' },
    bwrap: { type: 'string', value: 'PATH', help: 'bubblewrap (default /usr/bin/bwrap)' },
    'ca-certificates': { type: 'string', value: 'FILE', help: 'the CA bundle (default /etc/ssl/certs/ca-certificates.crt)' },
    sign: { type: 'string', value: 'KEY', help: 'sign the image set with this operator key (as octant image sign)' },
  },
  positionals: false,
  notes: [
    'Timestamps come from SOURCE_DATE_EPOCH (default 0): same inputs, same root hash.',
    'Needs mksquashfs (squashfs-tools), veritysetup (cryptsetup-bin) and mkfs.ext4 (e2fsprogs).',
  ].join('\n'),
  async run(parsed, { io }) {
    const kernelDir = stringFlag(parsed, 'kernel');
    const out = stringFlag(parsed, 'out');
    if (kernelDir === undefined) throw usageError('image build: --kernel DIR is required (an unpacked Debian kernel package)');
    if (out === undefined) throw usageError('image build: --out DIR is required');
    let executable = stringFlag(parsed, 'executable');
    if (executable === undefined) {
      if (!buildInfo().sea) {
        throw new OctantError('E_IMAGE_INPUT', 'image build: this is octant running from its sources; pass --executable dist/octant', { exit: EXIT.usage });
      }
      executable = process.execPath;
    }
    const epoch = epochOf(io, 'image build');
    // Loaded here: the rest of octant never pays for the image code.
    const { buildImage } = await import('../../runtime/image/build-image.ts');
    const manifest = buildImage({
      kernelDir: resolve(io.cwd, kernelDir),
      out: resolve(io.cwd, out),
      executable: resolve(io.cwd, executable),
      bwrap: resolve(io.cwd, stringFlag(parsed, 'bwrap') ?? '/usr/bin/bwrap'),
      caCertificates: resolve(io.cwd, stringFlag(parsed, 'ca-certificates') ?? '/etc/ssl/certs/ca-certificates.crt'),
      epoch,
    });
    writeLine(io.stdout, `root hash ${manifest.rootHash}`);
    writeLine(io.stdout, `root.img ${manifest.rootImageBytes} bytes (squashfs ${manifest.squashfsBytes}), initramfs.img ${manifest.initramfsBytes} bytes, kernel ${manifest.kernel}`);
    writeLine(io.stdout, `kernel command line: ${manifest.cmdline}`);
    const key = stringFlag(parsed, 'sign');
    if (key !== undefined) await signWith(io, resolve(io.cwd, out), key);
    return 0;
  },
};

function epochOf(io: Io, command: string): number {
  const epochText = io.env.SOURCE_DATE_EPOCH ?? '0';
  const epoch = Number(epochText);
  if (!/^\d+$/.test(epochText) || !Number.isSafeInteger(epoch)) throw usageError(`${command}: SOURCE_DATE_EPOCH: expected whole seconds, got '${epochText}'`);
  return epoch;
}

async function signWith(io: Io, imageDir: string, key: string): Promise<void> {
  const { loadPrivateKey } = await import('../../agent/manifest/sign.ts');
  const { signImage, SIGNATURE_FILE } = await import('../image-signature.ts');
  const signature = signImage(imageDir, loadPrivateKey(resolve(io.cwd, key)));
  writeLine(io.stdout, `signed by key ${signature.keyId}: ${resolve(imageDir, SIGNATURE_FILE)}`);
}

const sign: Action = {
  name: 'sign',
  summary: 'sign an image set (root hash, verity parameters, SHA-256 of its files) with an operator key: image.sig.json',
  synopsis: ['IMAGE_DIR --key KEY'],
  options: { key: { type: 'string', value: 'KEY', help: "the operator's Ed25519 private key (PKCS#8 PEM, mode 0600)" } },
  async run(parsed, { io }) {
    const dir = resolve(io.cwd, requirePositional(parsed, 0, 'IMAGE_DIR', 'image sign'));
    const key = stringFlag(parsed, 'key');
    if (key === undefined) throw usageError('image sign: --key KEY is required');
    await signWith(io, dir, key);
    return 0;
  },
};

/** IMAGE_DIR, the disk, --tries and --slot-size of install and update, checked. */
export async function installArgs(parsed: Parameters<Action['run']>[0], io: Io, command: string): Promise<{ imageDir: string; disk: string; tries: number; slotBytes: number }> {
  const imageDir = resolve(io.cwd, requirePositional(parsed, 0, 'IMAGE_DIR', command));
  const disk = await diskFlag(stringFlag(parsed, 'disk'), io, command);
  const tries = numberFlag(parsed, 'tries', command) ?? 3;
  const slotMiB = numberFlag(parsed, 'slot-size', command) ?? 256;
  if (!Number.isSafeInteger(slotMiB) || slotMiB < 1) throw usageError(`${command}: --slot-size: expected a whole number of MiB, got ${slotMiB}`);
  return { imageDir, disk, tries, slotBytes: slotMiB * 1024 * 1024 };
}

const oci: Action = {
  name: 'oci',
  summary: 'write the image root as an OCI image layout (FROM scratch, entrypoint /octant init) for docker/podman',
  synopsis: ['IMAGE_DIR --out DIR'],
  options: { out: { type: 'string', value: 'DIR', help: 'where the layout (oci-layout, index.json, blobs/) is written' } },
  notes: 'Reproducible: created is SOURCE_DATE_EPOCH (default 0). Needs unsquashfs (squashfs-tools).',
  async run(parsed, { io }) {
    const dir = resolve(io.cwd, requirePositional(parsed, 0, 'IMAGE_DIR', 'image oci'));
    const out = stringFlag(parsed, 'out');
    if (out === undefined) throw usageError('image oci: --out DIR is required');
    const { exportOci } = await import('../../runtime/image/oci.ts');
    const done = await exportOci(dir, resolve(io.cwd, out), epochOf(io, 'image oci'));
    writeLine(io.stdout, `manifest ${done.manifest.digest}, layer ${done.layer.digest} (${done.layer.size} bytes gzip), entrypoint /octant init`);
    return 0;
  },
};

const install: Action = {
  name: 'install',
  summary: "write an image set's root into the inactive slot of a system disk; the next boot tries it (no signature check: octant update checks one)",
  synopsis: ['IMAGE_DIR [--disk DISK] [--tries N] [--slot-size MIB]'],
  options: INSTALL_OPTIONS,
  notes: [
    'The slot that booted is never written. A new slot boots with N tries; once octant init reaches',
    "'system ready' it is marked good; after N boots that do not, the other slot boots again.",
    'Every step is recorded in the ledger.',
  ].join('\n'),
  async run(parsed, { io, paths }) {
    const args = await installArgs(parsed, io, 'image install');
    const { installRecorded } = await import('../image-update.ts');
    printInstalled(io, await installRecorded(paths(), args, undefined), args.disk);
    return 0;
  },
};

export const command: Command = {
  name: 'image',
  summary: 'build the bootable OS image: verified squashfs root, initramfs, kernel, data disk',
  subcommands: [build, sign, install, oci],
  notes: 'See docs/image.md for the boot chain and the disk layouts.',
};
