// A reader for ZIM archives, the offline format of Kiwix (openzim.org/wiki/
// ZIM_file_format): an 80-byte header, a MIME type list, directory entries
// reached through the path pointer list, and clusters of blobs, compressed
// with zstd (5; what zimwriterfs has written since 2021, and what node:zlib
// decompresses) or xz (4; not in node:zlib: such clusters are reported and
// skipped) or stored (0, 1).
//
// Synchronous and positional (readSync at offsets): archives are often GBs,
// never read whole. Runs in the indexing worker; loads node:fs and node:zlib
// through process.getBuiltinModule (lib/worker-pool.ts on what a worker of
// the executable may load).

export const ZIM_MAGIC = 72173914;

export interface ZimHeader {
  major: number;
  minor: number;
  entryCount: number;
  clusterCount: number;
  pathPtrPos: number;
  clusterPtrPos: number;
  mimeListPos: number;
  mainPage: number;
  checksumPos: number;
}

export interface ZimEntry {
  /** Index in the path-ordered list. */
  index: number;
  namespace: string;
  path: string;
  title: string;
  /** MIME type; undefined for redirects and other special entries. */
  mime: string | undefined;
  cluster: number;
  blob: number;
}

const REDIRECT = 0xffff;

export class ZimArchive {
  readonly file: string;
  readonly header: ZimHeader;
  readonly mimeTypes: string[];
  #fd: number;
  #cache: { cluster: number; blobs: Uint8Array[] } | undefined;

  constructor(file: string) {
    const fs = process.getBuiltinModule('node:fs');
    this.file = file;
    this.#fd = fs.openSync(file, 'r');
    try {
      const h = this.#read(0, 80);
      const view = new DataView(h.buffer, h.byteOffset, h.byteLength);
      if (view.getUint32(0, true) !== ZIM_MAGIC) throw new Error(`${file}: not a ZIM archive (bad magic number)`);
      const u64 = (at: number): number => Number(view.getBigUint64(at, true));
      this.header = {
        major: view.getUint16(4, true), minor: view.getUint16(6, true),
        entryCount: view.getUint32(24, true), clusterCount: view.getUint32(28, true),
        pathPtrPos: u64(32), clusterPtrPos: u64(48), mimeListPos: u64(56), mainPage: view.getUint32(64, true), checksumPos: u64(72),
      };
      this.mimeTypes = this.#mimeList();
    } catch (error) {
      fs.closeSync(this.#fd);
      throw error;
    }
  }

  close(): void {
    process.getBuiltinModule('node:fs').closeSync(this.#fd);
  }

  #read(position: number, length: number): Uint8Array {
    const buffer = new Uint8Array(length);
    const n = process.getBuiltinModule('node:fs').readSync(this.#fd, buffer, 0, length, position);
    return buffer.subarray(0, n);
  }

  #mimeList(): string[] {
    const bytes = this.#read(this.header.mimeListPos, 4096);
    const out: string[] = [];
    let start = 0;
    for (let i = 0; i < bytes.length; i++) {
      if (bytes[i] !== 0) continue;
      if (i === start) break;
      out.push(new TextDecoder().decode(bytes.subarray(start, i)));
      start = i + 1;
    }
    return out;
  }

  /** Every directory entry, in path order. */
  *entries(): Generator<ZimEntry> {
    const { entryCount, pathPtrPos } = this.header;
    const decoder = new TextDecoder();
    for (let first = 0; first < entryCount; first += 4096) {
      const count = Math.min(4096, entryCount - first);
      const ptrs = this.#read(pathPtrPos + first * 8, count * 8);
      const pv = new DataView(ptrs.buffer, ptrs.byteOffset, ptrs.byteLength);
      for (let i = 0; i < count; i++) {
        const at = Number(pv.getBigUint64(i * 8, true));
        // Fixed part (16 bytes for content, 12 for a redirect), then two
        // NUL-terminated strings: read a generous slice, grow if needed.
        let bytes = this.#read(at, 512);
        const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        const mimeIndex = view.getUint16(0, true);
        const namespace = String.fromCharCode(bytes[3]!);
        const fixed = mimeIndex === REDIRECT ? 12 : mimeIndex >= 0xfffd ? 8 : 16;
        let end1 = bytes.indexOf(0, fixed);
        let end2 = end1 === -1 ? -1 : bytes.indexOf(0, end1 + 1);
        if (end2 === -1) {
          bytes = this.#read(at, 65_536);
          end1 = bytes.indexOf(0, fixed);
          end2 = bytes.indexOf(0, end1 + 1);
        }
        const path = decoder.decode(bytes.subarray(fixed, end1));
        const title = decoder.decode(bytes.subarray(end1 + 1, end2));
        const content = mimeIndex < 0xfffd;
        yield {
          index: first + i, namespace, path, title: title === '' ? path : title,
          mime: content ? this.mimeTypes[mimeIndex] : undefined,
          cluster: content ? view.getUint32(8, true) : -1,
          blob: content ? view.getUint32(12, true) : -1,
        };
      }
    }
  }

  /** The blobs of cluster `n` (the last cluster read is kept). */
  cluster(n: number): Uint8Array[] {
    if (this.#cache?.cluster === n) return this.#cache.blobs;
    const { clusterPtrPos, clusterCount } = this.header;
    const ptrs = this.#read(clusterPtrPos + n * 8, 16);
    const pv = new DataView(ptrs.buffer, ptrs.byteOffset, ptrs.byteLength);
    const start = Number(pv.getBigUint64(0, true));
    // The last cluster ends where the checksum starts.
    const end = n + 1 < clusterCount ? Number(pv.getBigUint64(8, true)) : this.header.checksumPos;
    const raw = this.#read(start, end - start);
    const info = raw[0]!;
    const compression = info & 0x0f;
    let data: Uint8Array;
    if (compression === 0 || compression === 1) data = raw.subarray(1);
    else if (compression === 5) data = process.getBuiltinModule('node:zlib').zstdDecompressSync(raw.subarray(1));
    else throw new Error(`${this.file}: cluster ${n} is ${compression === 4 ? 'xz' : `type ${compression}`}-compressed, which node:zlib cannot read`);
    const wide = (info & 0x10) !== 0;
    const size = wide ? 8 : 4;
    const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
    const offset = (i: number): number => (wide ? Number(dv.getBigUint64(i * size, true)) : dv.getUint32(i * size, true));
    const count = offset(0) / size - 1;
    const blobs: Uint8Array[] = [];
    for (let i = 0; i < count; i++) blobs.push(data.subarray(offset(i), offset(i + 1)));
    this.#cache = { cluster: n, blobs };
    return blobs;
  }
}
