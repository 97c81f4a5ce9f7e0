// Tests only: writes a small ZIM archive as the format specifies it
// (openzim.org/wiki/ZIM_file_format): header, MIME list, path and title
// pointer lists, directory entries (content and redirect), the cluster
// pointer list, clusters (stored or zstd, 4- or 8-byte offsets) and the MD5
// checksum at the end.

import { createHash } from 'node:crypto';
import { zstdCompressSync } from 'node:zlib';

export interface ZimWriteEntry {
  namespace: string;
  path: string;
  title?: string;
  mime?: string;
  content?: string;
  /** A redirect to the entry with this namespace/path. */
  redirectTo?: string;
  cluster?: number;
}

export interface ZimWriteOptions {
  /** Compression per cluster: 1 stored, 5 zstd, 4 xz (written as stored bytes flagged xz, for the refusal test). */
  clusters: { compression: 1 | 4 | 5; wide?: boolean }[];
}

const u16 = (n: number): Buffer => { const b = Buffer.alloc(2); b.writeUInt16LE(n); return b; };
const u32 = (n: number): Buffer => { const b = Buffer.alloc(4); b.writeUInt32LE(n); return b; };
const u64 = (n: number): Buffer => { const b = Buffer.alloc(8); b.writeBigUInt64LE(BigInt(n)); return b; };

export function writeZim(entries: ZimWriteEntry[], options: ZimWriteOptions): Buffer {
  const sorted = [...entries].sort((a, b) => (`${a.namespace}/${a.path}` < `${b.namespace}/${b.path}` ? -1 : 1));
  const mimes = [...new Set(sorted.flatMap((e) => (e.mime === undefined ? [] : [e.mime])))];
  // Blobs per cluster, in entry order.
  const blobs: Buffer[][] = options.clusters.map(() => []);
  const blobOf = new Map<ZimWriteEntry, number>();
  for (const e of sorted) {
    if (e.content === undefined) continue;
    const c = e.cluster ?? 0;
    blobOf.set(e, blobs[c]!.length);
    blobs[c]!.push(Buffer.from(e.content));
  }
  const dirents = sorted.map((e) => {
    const strings = Buffer.concat([Buffer.from(e.path), Buffer.from([0]), Buffer.from(e.title ?? ''), Buffer.from([0])]);
    if (e.redirectTo !== undefined) {
      const target = sorted.findIndex((t) => `${t.namespace}/${t.path}` === e.redirectTo);
      return Buffer.concat([u16(0xffff), Buffer.from([0]), Buffer.from(e.namespace), u32(0), u32(target), strings]);
    }
    return Buffer.concat([u16(mimes.indexOf(e.mime!)), Buffer.from([0]), Buffer.from(e.namespace), u32(0), u32(e.cluster ?? 0), u32(blobOf.get(e)!), strings]);
  });
  const clusters = options.clusters.map(({ compression, wide }, c) => {
    const size = wide ? 8 : 4;
    const list = blobs[c]!;
    const offsets: Buffer[] = [];
    let at = size * (list.length + 1);
    for (const b of list) { offsets.push(wide ? u64(at) : u32(at)); at += b.length; }
    offsets.push(wide ? u64(at) : u32(at));
    const data = Buffer.concat([...offsets, ...list]);
    const info = Buffer.from([compression | (wide ? 0x10 : 0)]);
    return Buffer.concat([info, compression === 5 ? zstdCompressSync(data) : data]);
  });
  const mimeList = Buffer.concat([...mimes.map((m) => Buffer.from(`${m}\0`)), Buffer.from([0])]);
  const mimeListPos = 80;
  const pathPtrPos = mimeListPos + mimeList.length;
  const titlePtrPos = pathPtrPos + 8 * dirents.length;
  let at = titlePtrPos + 4 * dirents.length;
  const direntPos = dirents.map((d) => { const p = at; at += d.length; return p; });
  const clusterPtrPos = at;
  at += 8 * clusters.length;
  const clusterPos = clusters.map((c) => { const p = at; at += c.length; return p; });
  const checksumPos = at;
  const titleOrder = sorted.map((_, i) => i).sort((a, b) => ((sorted[a]!.title ?? sorted[a]!.path) < (sorted[b]!.title ?? sorted[b]!.path) ? -1 : 1));
  const header = Buffer.concat([
    u32(72173914), u16(6), u16(1), Buffer.alloc(16), u32(dirents.length), u32(clusters.length),
    u64(pathPtrPos), u64(titlePtrPos), u64(clusterPtrPos), u64(mimeListPos), u32(0xffffffff), u32(0xffffffff), u64(checksumPos),
  ]);
  const body = Buffer.concat([
    header, mimeList, ...direntPos.map(u64), ...titleOrder.map(u32), ...dirents, ...clusterPos.map(u64), ...clusters,
  ]);
  return Buffer.concat([body, createHash('md5').update(body).digest()]);
}

/** A small archive's entries: HTML and text articles in two clusters, a stylesheet, a redirect, metadata. */
export const SAMPLE_ARTICLES: ZimWriteEntry[] = [
  { namespace: 'C', path: 'Aerodynamics', title: 'Aerodynamics', mime: 'text/html', content: '<html><head><title>Aerodynamics</title></head><body><p>Aerodynamics studies the motion of air around a <b>wing</b>.</p></body></html>', cluster: 0 },
  { namespace: 'C', path: 'Boundary_layer', title: 'Boundary layer', mime: 'text/html', content: '<p>The boundary layer is the thin layer of fluid near a surface.</p>', cluster: 1 },
  { namespace: 'C', path: 'notes.txt', mime: 'text/plain', content: 'Plain notes about propellers.', cluster: 1 },
  { namespace: 'C', path: 'style.css', mime: 'text/css', content: 'body { wing: none }', cluster: 0 },
  { namespace: 'C', path: 'Wing', title: 'Wing', redirectTo: 'C/Aerodynamics' },
  { namespace: 'M', path: 'Title', mime: 'text/plain', content: 'Test wiki about wings', cluster: 0 },
];
