// The system disk of an A/B machine: two root slots and the slot table the
// boot chain counts boots in (docs/image.md, "A/B updates").
//
// Layout (a plain MBR disk: the kernel's msdos partition parser, built into
// every distribution kernel, gives /dev/vda1 and /dev/vda2 with no loader):
//   sector 0            MBR: partition 1 = slot a, partition 2 = slot b (type 0xda, "non-FS data")
//   byte 4096           the slot table (512 bytes, one sector: written whole, so never torn)
//   1 MiB               slot a: squashfs, then its dm-verity hash tree (root.img as built)
//   1 MiB + size        slot b: the same
//
// The slot table (little-endian; boot-init.c reads and writes the same bytes):
//   0   magic "OCTSLOT1"
//   8   u32 booted        the slot /init chose on the last boot (0xffffffff: none yet)
//   12  u32 failedSlot    a slot whose boot failed since the last successful one (0xffffffff: none)
//   16  i32 failedErrno   errno of the failing step (0: none, e.g. "did not reach system ready")
//   20  u32 reserved
//   24  char[104]         the failing step, NUL-terminated
//   128 slot a, 320 slot b (192 bytes each):
//       0 u64 dataBlocks, 8 u64 hashStartBlock, 16 char[64] root hash (hex), 80 char[64] salt (hex),
//       144 u32 state (0 empty, 1 good, 2 trying, 3 bad), 148 u32 triesLeft, 152 u64 sequence,
//       160 u64 installedAt (unix seconds), 168 reserved
//
// Boot counting is systemd-boot's automatic boot assessment
// (https://systemd.io/AUTOMATIC_BOOT_ASSESSMENT/): a newly installed slot is
// "trying" with N tries left; the boot chain takes one try before booting it;
// `octant init` marks it good once the system is ready (systemd-bless-boot's
// job); a trying slot with no tries left is bad and the other slot boots.

import { closeSync, fstatSync, fsyncSync, openSync, readSync, writeSync } from 'node:fs';
import { OctantError, messageOf } from '../../lib/errors.ts';

export const SLOT_TABLE_OFFSET = 4096;
export const SLOT_TABLE_BYTES = 512;
export const FIRST_SLOT_OFFSET = 1024 * 1024;
export const DEFAULT_SLOT_BYTES = 256 * 1024 * 1024;
const MAGIC = 'OCTSLOT1';
const NONE = 0xffffffff;
const SLOT_AT = [128, 320] as const;
export const SLOT_NAMES = ['a', 'b'] as const;
export type SlotName = (typeof SLOT_NAMES)[number];
export const SLOT_STATES = ['empty', 'good', 'trying', 'bad'] as const;
export type SlotState = (typeof SLOT_STATES)[number];

export interface Slot {
  state: SlotState;
  triesLeft: number;
  sequence: number;
  installedAt: number;
  dataBlocks: number;
  hashStartBlock: number;
  rootHash: string;
  salt: string;
}

export interface SlotTable {
  booted: SlotName | undefined;
  failure: { slot: SlotName; errno: number; step: string } | undefined;
  slots: [Slot, Slot];
}

function emptySlot(): Slot {
  return { state: 'empty', triesLeft: 0, sequence: 0, installedAt: 0, dataBlocks: 0, hashStartBlock: 0, rootHash: '', salt: '' };
}

export function emptyTable(): SlotTable {
  return { booted: undefined, failure: undefined, slots: [emptySlot(), emptySlot()] };
}

function cString(buf: Buffer, at: number, size: number): string {
  const end = buf.indexOf(0, at);
  return buf.toString('latin1', at, end === -1 || end > at + size ? at + size : end);
}

function slotIndex(value: number, what: string): SlotName | undefined {
  if (value === NONE) return undefined;
  const name = SLOT_NAMES[value];
  if (name === undefined) throw tableError(`${what} is ${value}, not a slot`);
  return name;
}

function tableError(why: string): OctantError {
  return new OctantError('E_IMAGE_SLOT_TABLE', `slot table: ${why}`, { hint: 'a disk made by octant image install has one at byte 4096' });
}

export function decodeTable(buf: Buffer): SlotTable {
  if (buf.length < SLOT_TABLE_BYTES || buf.toString('latin1', 0, 8) !== MAGIC) throw tableError(`no ${MAGIC} magic`);
  const failedSlot = slotIndex(buf.readUInt32LE(12), 'failedSlot');
  const slots = SLOT_AT.map((at): Slot => {
    const state = SLOT_STATES[buf.readUInt32LE(at + 144)];
    if (state === undefined) throw tableError(`slot state ${buf.readUInt32LE(at + 144)} is unknown`);
    return {
      state,
      triesLeft: buf.readUInt32LE(at + 148),
      sequence: Number(buf.readBigUInt64LE(at + 152)),
      installedAt: Number(buf.readBigUInt64LE(at + 160)),
      dataBlocks: Number(buf.readBigUInt64LE(at)),
      hashStartBlock: Number(buf.readBigUInt64LE(at + 8)),
      rootHash: cString(buf, at + 16, 64),
      salt: cString(buf, at + 80, 64),
    };
  });
  return {
    booted: slotIndex(buf.readUInt32LE(8), 'booted'),
    failure: failedSlot === undefined ? undefined : { slot: failedSlot, errno: buf.readInt32LE(16), step: cString(buf, 24, 104) },
    slots: [slots[0], slots[1]],
  };
}

export function encodeTable(table: SlotTable): Buffer {
  const buf = Buffer.alloc(SLOT_TABLE_BYTES);
  buf.write(MAGIC, 0, 'latin1');
  buf.writeUInt32LE(table.booted === undefined ? NONE : SLOT_NAMES.indexOf(table.booted), 8);
  buf.writeUInt32LE(table.failure === undefined ? NONE : SLOT_NAMES.indexOf(table.failure.slot), 12);
  buf.writeInt32LE(table.failure?.errno ?? 0, 16);
  buf.write((table.failure?.step ?? '').slice(0, 103), 24, 'latin1');
  table.slots.forEach((slot, i) => {
    const at = SLOT_AT[i];
    buf.writeBigUInt64LE(BigInt(slot.dataBlocks), at);
    buf.writeBigUInt64LE(BigInt(slot.hashStartBlock), at + 8);
    buf.write(slot.rootHash, at + 16, 64, 'latin1');
    buf.write(slot.salt, at + 80, 64, 'latin1');
    buf.writeUInt32LE(SLOT_STATES.indexOf(slot.state), at + 144);
    buf.writeUInt32LE(slot.triesLeft, at + 148);
    buf.writeBigUInt64LE(BigInt(slot.sequence), at + 152);
    buf.writeBigUInt64LE(BigInt(slot.installedAt), at + 160);
  });
  return buf;
}

/** An MBR (sector 0) with the two slot partitions of `slotBytes` each. */
export function encodeMbr(slotBytes: number): Buffer {
  const mbr = Buffer.alloc(512);
  const sectors = slotBytes / 512;
  for (let i = 0; i < 2; i++) {
    const entry = 446 + i * 16;
    // CHS fields unused (LBA only): 0xfe/0xff/0xff marks "beyond CHS" as fdisk writes it.
    mbr.set([0x00, 0xfe, 0xff, 0xff, 0xda, 0xfe, 0xff, 0xff], entry);
    mbr.writeUInt32LE(FIRST_SLOT_OFFSET / 512 + i * sectors, entry + 8);
    mbr.writeUInt32LE(sectors, entry + 12);
  }
  mbr.writeUInt16LE(0xaa55, 510);
  return mbr;
}

/** Slot offsets and size as the MBR on `fd` records them. */
export function readLayout(fd: number): { slotBytes: number; offsets: [number, number] } {
  const mbr = Buffer.alloc(512);
  readSync(fd, mbr, 0, 512, 0);
  if (mbr.readUInt16LE(510) !== 0xaa55 || mbr[446 + 4] !== 0xda || mbr[462 + 4] !== 0xda) throw tableError('the disk has no slot partitions (MBR type 0xda)');
  const start = (i: number) => mbr.readUInt32LE(446 + i * 16 + 8) * 512;
  const size = mbr.readUInt32LE(446 + 12) * 512;
  return { slotBytes: size, offsets: [start(0), start(1)] };
}

export function readTable(fd: number): SlotTable {
  const buf = Buffer.alloc(SLOT_TABLE_BYTES);
  readSync(fd, buf, 0, SLOT_TABLE_BYTES, SLOT_TABLE_OFFSET);
  return decodeTable(buf);
}

/** One sector, then fsync: the table is replaced whole or not at all. */
export function writeTable(fd: number, table: SlotTable): void {
  writeSync(fd, encodeTable(table), 0, SLOT_TABLE_BYTES, SLOT_TABLE_OFFSET);
  fsyncSync(fd);
}

/** The slot an install writes: never the one that booted (it is running), else an empty one, else the older one. */
export function inactiveSlot(table: SlotTable): SlotName {
  if (table.booted !== undefined) return table.booted === 'a' ? 'b' : 'a';
  const [a, b] = table.slots;
  if (a.state === 'empty') return 'a';
  if (b.state === 'empty') return 'b';
  return a.sequence <= b.sequence ? 'a' : 'b';
}

export function slotOf(table: SlotTable, name: SlotName): Slot {
  return table.slots[SLOT_NAMES.indexOf(name)];
}

/** Opens a system disk (a file or a block device) read-write. */
export function openDisk(disk: string): number {
  try {
    return openSync(disk, 'r+');
  } catch (error) {
    throw new OctantError('E_IMAGE_DISK', `--disk ${disk}: ${messageOf(error)}`, { cause: error });
  }
}

export function diskBytes(fd: number): number {
  return fstatSync(fd).size;
}

export function closeDisk(fd: number): void {
  closeSync(fd);
}
