// The content hash that makes re-indexing an unchanged document a no-op.
// It runs in indexing workers, which may not load node:crypto in the built
// executable (lib/worker-pool.ts), and it only detects change (never
// security): two FNV-1a 32-bit lanes with different offsets over the UTF-16
// code units (FNV: IETF draft-eastlake-fnv), 64 bits in hex. Someone who can
// write a document can make it collide with their own earlier version, and
// gains only that their edit is not re-indexed.

export function contentHash(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193) ^ (b >>> 15);
  }
  a ^= text.length;
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}
