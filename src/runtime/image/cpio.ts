// A newc ("070701") cpio archive writer, the format the kernel unpacks as an
// initramfs (Documentation/driver-api/early-userspace/buffer-format.rst).
// Deterministic: entries sorted by path, owner 0:0, one fixed mtime and inode
// numbers by position, so the same inputs give the same bytes.

export type CpioEntry =
  | { path: string; kind: 'dir'; mode: number }
  | { path: string; kind: 'file'; mode: number; data: Buffer }
  | { path: string; kind: 'char'; mode: number; major: number; minor: number };

const TYPE = { dir: 0o040000, file: 0o100000, char: 0o020000 } as const;

function hex8(n: number): string {
  return n.toString(16).padStart(8, '0');
}

function pad4(length: number): Buffer {
  return Buffer.alloc((4 - (length % 4)) % 4);
}

function record(ino: number, mode: number, mtime: number, name: string, data: Buffer, rdev: [number, number] = [0, 0]): Buffer[] {
  const nameBytes = Buffer.from(`${name}\0`);
  const nlink = (mode & 0o170000) === TYPE.dir ? 2 : 1;
  const header = `070701${[ino, mode, 0, 0, nlink, mtime, data.length, 0, 0, rdev[0], rdev[1], nameBytes.length, 0].map(hex8).join('')}`;
  const head = Buffer.concat([Buffer.from(header, 'latin1'), nameBytes]);
  return [head, pad4(head.length), data, pad4(data.length)];
}

/** The archive of `entries` (paths relative, no leading slash), every mtime `mtime` (seconds). */
export function writeCpio(entries: readonly CpioEntry[], mtime: number): Buffer {
  const sorted = [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const parts: Buffer[] = [];
  sorted.forEach((entry, i) => {
    if (entry.path === '' || entry.path.startsWith('/') || entry.path.split('/').includes('..')) throw new Error(`cpio: bad path ${entry.path}`);
    const mode = TYPE[entry.kind] | (entry.mode & 0o7777);
    const data = entry.kind === 'file' ? entry.data : Buffer.alloc(0);
    parts.push(...record(i + 1, mode, mtime, entry.path, data, entry.kind === 'char' ? [entry.major, entry.minor] : [0, 0]));
  });
  parts.push(...record(0, 0, 0, 'TRAILER!!!', Buffer.alloc(0)));
  return Buffer.concat(parts);
}
