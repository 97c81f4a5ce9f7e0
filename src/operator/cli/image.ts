// octant image build: the bootable image set (verified squashfs root,
// initramfs, kernel, empty data disk) from this executable and an unpacked
// Debian kernel package. The work is runtime/image; this file parses flags
// and prints what was built (docs/image.md).

import { resolve } from 'node:path';
import { parseCommandArgs, stringFlag } from '../../lib/args.ts';
import { buildInfo } from '../../lib/build-info.ts';
import { EXIT, OctantError, usageError } from '../../lib/errors.ts';
import { writeLine } from '../../lib/io.ts';
import { pickSubcommand } from './subcommand.ts';
import type { Command, CommandContext } from './command.ts';

const USAGE = `octant image build --kernel DIR --out DIR [--executable PATH] [--bwrap PATH] [--ca-certificates FILE]
  Builds the image set into --out: root.img (squashfs root + dm-verity hash
  tree), initramfs.img, vmlinuz, data.img (empty ext4 data disk), image.json
  (root hash, kernel command line). --kernel is an unpacked Debian kernel
  package (dpkg-deb -x linux-image-6.1.0-*-amd64_*.deb DIR). The root holds
  this executable as /octant (or --executable), bubblewrap and the CA bundle.
  Timestamps come from SOURCE_DATE_EPOCH (default 0): same inputs, same root hash.
  Needs mksquashfs (squashfs-tools), veritysetup (cryptsetup-bin), mkfs.ext4.`;

async function build(argv: string[], { io }: CommandContext): Promise<number> {
  const parsed = parseCommandArgs('image build', argv, {
    kernel: { type: 'string' }, out: { type: 'string' }, executable: { type: 'string' }, bwrap: { type: 'string' }, 'ca-certificates': { type: 'string' },
  }, false);
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
  const epochText = io.env.SOURCE_DATE_EPOCH ?? '0';
  const epoch = Number(epochText);
  if (!/^\d+$/.test(epochText) || !Number.isSafeInteger(epoch)) throw usageError(`image build: SOURCE_DATE_EPOCH: expected whole seconds, got '${epochText}'`);
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
  return 0;
}

const SUBCOMMANDS = { build };

export const command: Command = {
  name: 'image',
  summary: 'build the bootable OS image: verified squashfs root, initramfs, kernel, data disk',
  usage: USAGE,
  async run(argv, ctx) {
    return pickSubcommand('image', argv[0], SUBCOMMANDS)(argv.slice(1), ctx);
  },
};
