// A reproducible POSIX ustar archive of a directory tree (the OCI layer of
// oci.ts): entries sorted by path, owner 0:0, the mode and mtime of each file
// as found (the squashfs has one mtime for everything), no device files.
// Format: POSIX.1-1988 ustar (pax's "ustar Interchange Format"): 512-byte
// headers, contents padded to 512, two zero blocks at the end.

import { closeSync, lstatSync, openSync, readSync, readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { OctantError } from '../../lib/errors.ts';

const BLOCK = 512;

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, '0');
}

/** ustar splits long names into prefix (155) + name (100) at a '/'. */
function splitName(path: string): { name: string; prefix: string } {
  if (Buffer.byteLength(path) <= 100) return { name: path, prefix: '' };
  for (let cut = path.indexOf('/'); cut !== -1; cut = path.indexOf('/', cut + 1)) {
    const prefix = path.slice(0, cut);
    const name = path.slice(cut + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(name) <= 100) return { name, prefix };
  }
  throw new OctantError('E_IMAGE_OCI', `${path}: too long for a ustar header`);
}

export interface TarEntry {
  path: string;
  type: 'file' | 'dir' | 'symlink';
  mode: number;
  mtime: number;
  size: number;
  link?: string;
  source?: string;
}

export function tarHeader(entry: TarEntry): Buffer {
  const header = Buffer.alloc(BLOCK);
  const { name, prefix } = splitName(entry.type === 'dir' ? `${entry.path}/` : entry.path);
  header.write(name, 0, 100, 'utf8');
  header.write(octal(entry.mode & 0o7777, 8), 100, 8, 'latin1');
  header.write(octal(0, 8), 108, 8, 'latin1'); // uid
  header.write(octal(0, 8), 116, 8, 'latin1'); // gid
  header.write(octal(entry.type === 'file' ? entry.size : 0, 12), 124, 12, 'latin1');
  header.write(octal(entry.mtime, 12), 136, 12, 'latin1');
  header.write(' '.repeat(8), 148, 8, 'latin1'); // checksum: spaces while summing
  header.write(entry.type === 'file' ? '0' : entry.type === 'dir' ? '5' : '2', 156, 1, 'latin1');
  if (entry.link !== undefined) {
    if (Buffer.byteLength(entry.link) > 100) throw new OctantError('E_IMAGE_OCI', `${entry.path}: symlink target too long for ustar`);
    header.write(entry.link, 157, 100, 'utf8');
  }
  header.write('ustar\x0000', 257, 8, 'latin1');
  header.write('root', 265, 32, 'latin1');
  header.write('root', 297, 32, 'latin1');
  header.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${octal(sum, 7)}\0 `, 148, 8, 'latin1');
  return header;
}

/** Every entry under `root`, sorted by path (parents before children). */
export function walkTree(root: string): TarEntry[] {
  const entries: TarEntry[] = [];
  const visit = (relative: string): void => {
    for (const name of readdirSync(join(root, relative)).sort()) {
      const path = relative === '' ? name : `${relative}/${name}`;
      const source = join(root, path);
      const stat = lstatSync(source);
      const mtime = Math.floor(stat.mtimeMs / 1000);
      if (stat.isDirectory()) {
        entries.push({ path, type: 'dir', mode: stat.mode, mtime, size: 0 });
        visit(path);
      } else if (stat.isSymbolicLink()) entries.push({ path, type: 'symlink', mode: 0o777, mtime, size: 0, link: readlinkSync(source) });
      else if (stat.isFile()) entries.push({ path, type: 'file', mode: stat.mode, mtime, size: stat.size, source });
      else throw new OctantError('E_IMAGE_OCI', `${path}: neither file, directory nor symlink; the layer has no place for it`);
    }
  };
  visit('');
  return entries;
}

/** The archive of `entries`, in order, a chunk at a time. */
export function* tarChunks(entries: readonly TarEntry[]): Generator<Buffer> {
  for (const entry of entries) {
    yield tarHeader(entry);
    if (entry.type !== 'file' || entry.source === undefined) continue;
    const fd = openSync(entry.source, 'r');
    try {
      let left = entry.size;
      while (left > 0) {
        const chunk = Buffer.alloc(Math.min(1024 * 1024, left));
        const n = readSync(fd, chunk, 0, chunk.length, null);
        if (n === 0) throw new OctantError('E_IMAGE_OCI', `${entry.path}: shorter than its size while archiving`);
        yield chunk.subarray(0, n);
        left -= n;
      }
    } finally {
      closeSync(fd);
    }
    const pad = (BLOCK - (entry.size % BLOCK)) % BLOCK;
    if (pad > 0) yield Buffer.alloc(pad);
  }
  yield Buffer.alloc(2 * BLOCK);
}
