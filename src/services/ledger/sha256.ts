// SHA-256 of "one prefix byte || bytes" for the ledger's hot paths: the
// RFC 6962 §2.1 leaf hash (prefix 0x00) and node hash (prefix 0x01), and
// the level-by-level hashing of a range of leaves (hash-workers.ts runs it
// in worker threads).
//
// Why not just crypto.hash(): each call costs ~2.5 µs on our 2-core
// machines, almost all of it per-call overhead (OpenSSL 3 sets up a digest
// context per call) rather than hashing. Verification needs two hashes per
// entry, so that overhead alone caps it near 200,000 entries/s. The same
// OpenSSL that node:crypto uses is linked into the Node executable (and so
// into dist/octant) and exports the plain SHA256_Init/SHA256_Transform
// functions; calling those through node:ffi on a reused context costs a
// fraction of that. When node:ffi or those symbols are missing, or the
// result fails its known-answer test, we fall back to crypto.hash(), which
// gives identical bytes.
//
// createOpenSslHash, hashRange and firstBadCrc are SELF-CONTAINED (no
// imports, no references to anything outside their own bodies):
// hash-workers.ts ships their source text to worker threads, which is what
// lets workers run from the bundled single executable, where there is no
// worker file on disk to load. createOpenSslHash never loads node:crypto:
// a worker thread of the executable must not (hash-workers.ts says why).

/** Write SHA-256(prefix || src[start:end]) to out[at:at+32]. */
export type PrefixedHash = (prefix: number, src: Uint8Array, start: number, end: number, out: Uint8Array, at: number) => void;

/**
 * The fastest hasher this thread can build: the executable's own OpenSSL
 * through node:ffi, else crypto.hash(). `forceNodeCrypto` picks the
 * fallback (tests cover both).
 */
export function createPrefixedHash(forceNodeCrypto = false): PrefixedHash {
  return (forceNodeCrypto ? undefined : createOpenSslHash()) ?? nodeCryptoHash();
}

/** SHA-256 by crypto.hash(), one call per hash (the fallback). */
function nodeCryptoHash(): PrefixedHash {
  const { hash } = process.getBuiltinModule('node:crypto');
  let scratch = Buffer.allocUnsafeSlow(8192);
  return function viaNodeCrypto(prefix, src, start, end, out, at) {
    const n = end - start + 1;
    if (scratch.length < n) scratch = Buffer.allocUnsafeSlow(2 * n);
    scratch[0] = prefix;
    if (Buffer.isBuffer(src)) src.copy(scratch, 1, start, end);
    else scratch.set(src.subarray(start, end), 1);
    out.set(hash('sha256', scratch.subarray(0, n), 'buffer'), at);
  };
}

/**
 * SHA-256 by the executable's own OpenSSL through node:ffi, or undefined
 * when node:ffi or the symbols are missing or the result fails the FIPS
 * 180-2 known-answer tests. Inputs are copied into a private off-heap
 * scratch buffer first, so no pointer to a caller's buffer crosses into C.
 * Self-contained, and loads no builtin but node:ffi (see top).
 */
export function createOpenSslHash(): PrefixedHash | undefined {
  let scratch = Buffer.allocUnsafeSlow(8192);
  const fill = (prefix: number, src: Uint8Array, start: number, end: number): number => {
    const n = end - start + 1;
    // Room for the SHA-256 padding too (up to 72 more bytes).
    if (scratch.length < n + 72) scratch = Buffer.allocUnsafeSlow(2 * n + 72);
    scratch[0] = prefix;
    // Buffer#copy is about twice as fast as set(subarray()) (no view allocated).
    if (Buffer.isBuffer(src)) src.copy(scratch, 1, start, end);
    else scratch.set(src.subarray(start, end), 1);
    return n;
  };
  try {
    const ffi = process.getBuiltinModule('node:ffi') as typeof import('node:ffi') | undefined;
    if (ffi === undefined) return undefined;
    // dlopen(NULL): the symbols of the running executable itself (openssl/sha.h).
    const fn = ffi.dlopen(null as unknown as string, {
      SHA256_Init: { return: 'int32', arguments: ['pointer'] },
      SHA256_Transform: { return: 'void', arguments: ['pointer', 'pointer'] },
    }).functions;
    // SHA256_CTX (openssl/sha.h) starts with the state words h[8] in host
    // byte order; 256 bytes leaves room for the rest of it on any build.
    // allocUnsafeSlow: each owns an off-heap ArrayBuffer that never moves,
    // so its raw pointer stays valid for the hasher's life.
    const ctx = Buffer.allocUnsafeSlow(256).fill(0);
    const state = new Uint32Array(ctx.buffer, ctx.byteOffset, 8);
    const ctxPtr = ffi.getRawPointer(ctx);
    if (fn.SHA256_Init(ctxPtr) !== 1) return undefined;
    const iv = state.slice();
    let scratchOf = scratch;
    // blocks[k]: the raw address of scratch block k (a BigInt made once, not per call).
    let blocks: bigint[] = [];
    // We pad the message ourselves (FIPS 180-4 §5.1.1) and run the
    // compression function block by block (§6.2.2); the state words it
    // leaves are the digest (step 4). SHA256_Transform takes no length
    // argument: one block costs ~70 ns through node:ffi, where one
    // SHA256_Update call costs ~120 ns before hashing anything (its
    // uint64 argument is converted on a slow path), so a node hash (two
    // blocks) takes about a third of the time it did with one Update call.
    const viaOpenSsl: PrefixedHash = (prefix, src, start, end, out, at) => {
      const n = fill(prefix, src, start, end);
      const padded = (n + 9 + 63) & ~63;
      scratch[n] = 0x80;
      // A loop: Buffer#fill costs more than a few dozen stores.
      for (let i = n + 1; i < padded - 4; i++) scratch[i] = 0;
      const bits = (n * 8) >>> 0; // entries are far below 2^29 bytes
      scratch[padded - 4] = bits >>> 24;
      scratch[padded - 3] = (bits >>> 16) & 0xff;
      scratch[padded - 2] = (bits >>> 8) & 0xff;
      scratch[padded - 1] = bits & 0xff;
      if (scratch !== scratchOf || blocks.length === 0) {
        scratchOf = scratch;
        const base = ffi.getRawPointer(scratch);
        blocks = Array.from({ length: scratch.length >>> 6 }, (_, k) => base + BigInt(64 * k));
      }
      state.set(iv);
      for (let k = 0; k < padded >>> 6; k++) fn.SHA256_Transform(ctxPtr, blocks[k]!);
      for (let i = 0; i < 8; i++) {
        const w = state[i]!;
        const o = at + 4 * i;
        out[o] = w >>> 24;
        out[o + 1] = (w >>> 16) & 0xff;
        out[o + 2] = (w >>> 8) & 0xff;
        out[o + 3] = w & 0xff;
      }
    };
    // Use it only if it gives the FIPS 180-2 Appendix B digests: B.1 is one
    // block, B.2 pads into a second one. The first byte is the prefix.
    const known = [
      ['abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
      ['abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq', '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1'],
    ] as const;
    const digest = Buffer.alloc(32);
    for (const [text, expected] of known) {
      const bytes = Buffer.from(text, 'latin1');
      viaOpenSsl(bytes[0]!, bytes, 1, bytes.length, digest, 0);
      if (digest.toString('hex') !== expected) return undefined;
    }
    return viaOpenSsl;
  } catch {
    return undefined;
  }
}

/**
 * RFC 6962 hashes for leaves [from, to) and every complete node above them
 * inside that range, up to level `top`. `levels[h]` holds level h's nodes
 * at index × 32 (level 0: leaf hashes); leaf i is buf[starts[i]:starts[i]+
 * lengths[i]]. `from` must be a multiple of 2^top, so each node at levels
 * <= top lies wholly inside or outside the range. Self-contained (see top).
 */
export function hashRange(hasher: PrefixedHash, buf: Uint8Array, starts: Int32Array, lengths: Int32Array, levels: Uint8Array[], from: number, to: number, top: number): void {
  for (let i = from; i < to; i++) hasher(0x00, buf, starts[i]!, starts[i]! + lengths[i]!, levels[0]!, i * 32);
  for (let h = 1; h <= top && h < levels.length; h++) {
    const below = levels[h - 1]!;
    const out = levels[h]!;
    // Node j of level h covers leaves [j·2^h, (j+1)·2^h); complete ones only.
    for (let j = Math.ceil(from / 2 ** h); (j + 1) * 2 ** h <= to; j++) hasher(0x01, below, 2 * j * 32, 2 * j * 32 + 64, out, j * 32);
  }
}

/**
 * Index of the first record in [from, to) whose stored CRC-32 (the 4 bytes
 * before its payload, records.ts framing) does not match, or -1.
 * Self-contained (see top): hash workers check CRCs along with hashing.
 */
export function firstBadCrc(buf: Uint8Array, starts: Int32Array, lengths: Int32Array, from: number, to: number): number {
  const { crc32 } = process.getBuiltinModule('node:zlib');
  for (let i = from; i < to; i++) {
    const s = starts[i]!;
    const stored = ((buf[s - 4]! << 24) | (buf[s - 3]! << 16) | (buf[s - 2]! << 8) | buf[s - 1]!) >>> 0;
    if (crc32(buf.subarray(s, s + lengths[i]!)) !== stored) return i;
  }
  return -1;
}

let chosen: PrefixedHash | undefined;

/** This thread's hasher, built on first use (never at import). */
export function prefixedHash(): PrefixedHash {
  chosen ??= createPrefixedHash();
  return chosen;
}
