// octant image build: the bootable image set (verified squashfs root,
// initramfs, kernel, empty data disk) from this executable and an unpacked
// Debian kernel package. The work is runtime/image; this file parses flags
// and prints what was built (docs/image.md).

import { resolve } from 'node:path';
import { stringFlag } from '../../lib/args.ts';
import { buildInfo } from '../../lib/build-info.ts';
import { EXIT, OctantError, usageError } from '../../lib/errors.ts';
import { writeLine } from '../../lib/io.ts';
import type { Action, Command } from './command.ts';

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
  },
};

export const command: Command = {
  name: 'image',
  summary: 'build the bootable OS image: verified squashfs root, initramfs, kernel, data disk',
  subcommands: [build],
  notes: 'See docs/image.md for the boot chain and the disk layouts.',
};
