// `octant image install`: writes an image set's root.img into the inactive
// slot of a system disk and arms it for the next boot ("trying", N tries;
// slots.ts). The steps keep the disk bootable whatever happens between them:
//   1. the target slot is marked empty (table written, fsync): a half-written
//      slot is never chosen;
//   2. root.img is copied into it, hashed as it is written, fsync;
//   3. if the caller names the SHA-256 the bytes must have (octant update,
//      from the signed statement), a mismatch stops here: the slot stays empty;
//   4. the slot's entry (root hash, salt, blocks, "trying", tries, a new
//      sequence number) is written (fsync): the next boot tries it.
// The slot that booted is never written (inactiveSlot).

import { createHash } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, readSync, statSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT, OctantError, messageOf } from '../../lib/errors.ts';
import type { ImageManifest } from './build-image.ts';
import {
  DEFAULT_SLOT_BYTES, FIRST_SLOT_OFFSET, SLOT_NAMES, closeDisk, diskBytes, emptyTable, encodeMbr, inactiveSlot, openDisk, readLayout,
  readTable, writeTable, type SlotName, type SlotTable,
} from './slots.ts';

export interface InstallOptions {
  imageDir: string;
  /** A system disk: a file (created when missing) or a block device. */
  disk: string;
  /** Boots to try before falling back (systemd-boot's default is 3). */
  tries: number;
  /** The size of each slot when the disk is created. */
  slotBytes?: number;
  /**
   * What a signature vouched for (octant update): the slot entry is made from
   * these values, not from image.json read again, and root.img's bytes as
   * written must have this SHA-256.
   */
  verified?: { rootSha256: string; rootHash: string; salt: string; dataBlocks: number; hashStartBlock: number };
  now?: Date;
}

export interface Installed {
  slot: SlotName;
  sequence: number;
  rootHash: string;
  rootSha256: string;
  created: boolean;
}

export function readImageManifest(imageDir: string): ImageManifest {
  const file = join(imageDir, 'image.json');
  try {
    const manifest = JSON.parse(readFileSync(file, 'utf8')) as ImageManifest;
    if (!/^[0-9a-f]{64}$/.test(manifest.rootHash) || !/^[0-9a-f]{64}$/.test(manifest.salt) || !Number.isSafeInteger(manifest.dataBlocks) || !Number.isSafeInteger(manifest.hashStartBlock)) {
      throw new Error('rootHash, salt, dataBlocks or hashStartBlock is missing or malformed');
    }
    return manifest;
  } catch (error) {
    throw new OctantError('E_IMAGE_INPUT', `${file}: not an image set's manifest (${messageOf(error)})`, { hint: 'an image set is what octant image build writes' });
  }
}

/** A new system disk: sparse file, MBR with the two slots, an empty slot table. */
function createDisk(disk: string, slotBytes: number): void {
  if (slotBytes % (1024 * 1024) !== 0 || slotBytes <= 0) throw new OctantError('E_IMAGE_INPUT', `--slot-size: ${slotBytes} bytes is not a positive whole number of MiB`);
  writeFileSync(disk, '', { flag: 'wx', mode: 0o600 });
  truncateSync(disk, FIRST_SLOT_OFFSET + 2 * slotBytes);
  const fd = openDisk(disk);
  try {
    writeSync(fd, encodeMbr(slotBytes), 0, 512, 0);
    writeTable(fd, emptyTable());
  } finally {
    closeDisk(fd);
  }
}

/** Copies root.img to `offset`, hashing what is written. */
function copyRoot(source: string, fd: number, offset: number): string {
  const hash = createHash('sha256');
  const input = openSync(source, 'r');
  const chunk = Buffer.alloc(1024 * 1024);
  try {
    for (let at = 0; ; ) {
      const n = readSync(input, chunk, 0, chunk.length, at);
      if (n === 0) break;
      hash.update(chunk.subarray(0, n));
      writeSync(fd, chunk, 0, n, offset + at);
      at += n;
    }
  } finally {
    closeSync(input);
  }
  fsyncSync(fd);
  return hash.digest('hex');
}

export function installImage(options: InstallOptions): Installed {
  if (!Number.isSafeInteger(options.tries) || options.tries < 1 || options.tries > 16) {
    throw new OctantError('E_IMAGE_INPUT', `--tries: expected 1 to 16 boots, got ${options.tries}`);
  }
  const manifest = { ...readImageManifest(options.imageDir), ...options.verified };
  const root = join(options.imageDir, 'root.img');
  const rootBytes = existsSync(root) ? statSync(root).size : -1;
  if (rootBytes !== manifest.rootImageBytes) throw new OctantError('E_IMAGE_INPUT', `${root}: ${rootBytes < 0 ? 'missing' : `${rootBytes} bytes`}, image.json says ${manifest.rootImageBytes}`);
  const created = !existsSync(options.disk);
  if (created) createDisk(options.disk, options.slotBytes ?? DEFAULT_SLOT_BYTES);
  const fd = openDisk(options.disk);
  try {
    const layout = readLayout(fd);
    const size = diskBytes(fd);
    if (size > 0 && size < layout.offsets[1] + layout.slotBytes) throw new OctantError('E_IMAGE_DISK', `--disk ${options.disk}: ${size} bytes, shorter than its partitions`);
    if (rootBytes > layout.slotBytes) throw new OctantError('E_IMAGE_INPUT', `${root}: ${rootBytes} bytes does not fit a ${layout.slotBytes}-byte slot`);
    const table = readTable(fd);
    const slot = inactiveSlot(table);
    const index = SLOT_NAMES.indexOf(slot);
    const emptied: SlotTable = { ...table, slots: [...table.slots] };
    emptied.slots[index] = { ...emptied.slots[index], state: 'empty', triesLeft: 0 };
    writeTable(fd, emptied); // step 1
    const rootSha256 = copyRoot(root, fd, layout.offsets[index]); // step 2
    const expected = options.verified?.rootSha256;
    if (expected !== undefined && rootSha256 !== expected) { // step 3
      throw new OctantError('E_IMAGE_SIGNATURE', `${root}: its SHA-256 ${rootSha256} is not the signed ${expected} (changed after it was checked?); slot ${slot} left empty`, { exit: EXIT.denied });
    }
    const sequence = Math.max(table.slots[0].sequence, table.slots[1].sequence) + 1;
    emptied.slots[index] = {
      state: 'trying', triesLeft: options.tries, sequence, installedAt: Math.floor((options.now ?? new Date()).getTime() / 1000),
      dataBlocks: manifest.dataBlocks, hashStartBlock: manifest.hashStartBlock, rootHash: manifest.rootHash, salt: manifest.salt,
    };
    writeTable(fd, emptied); // step 4
    return { slot, sequence, rootHash: manifest.rootHash, rootSha256, created };
  } finally {
    closeDisk(fd);
  }
}

/** The kernel command line for a machine booting from a system disk (boot-init.c, slot mode). */
export function slotCmdline(disk = '/dev/vda', data = '/dev/vdb'): string {
  return `console=ttyS0 octant.slots=${disk} octant.data=${data}`;
}
