// Merkle tree math for the ledger, RFC 6962 §2.1 / RFC 9162 §2.1.
// Security-critical: every function here is small on purpose, and the
// verifiers are checked against the transparency-dev conformance vectors
// (test/fixtures/rfc6962, copied with their licence) in merkle.test.ts.
//
// Hashing (RFC 6962 §2.1): leaf = SHA-256(0x00 || entry bytes),
// node = SHA-256(0x01 || left || right), empty tree = SHA-256("").

import { hash } from 'node:crypto';
import { OctantError } from '../../lib/errors.ts';
import { prefixedHash } from './sha256.ts';

export const HASH_SIZE = 32;

// Leaf and node hashes go through prefixedHash() (sha256.ts): the cheapest
// per-call SHA-256 this process has, with no concatenation per hash.
export function leafHash(entry: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(HASH_SIZE);
  prefixedHash()(0x00, entry, 0, entry.length, out, 0);
  return out;
}

const pair = Buffer.allocUnsafeSlow(2 * HASH_SIZE);

export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  // Proof verifiers may hand in hashes of any length; only the tree's own
  // 32-byte hashes take the scratch path.
  if (left.length !== HASH_SIZE || right.length !== HASH_SIZE) {
    return hash('sha256', Buffer.concat([Buffer.from([0x01]), left, right]), 'buffer');
  }
  pair.set(left, 0);
  pair.set(right, HASH_SIZE);
  const out = Buffer.allocUnsafe(HASH_SIZE);
  prefixedHash()(0x01, pair, 0, pair.length, out, 0);
  return out;
}

export const EMPTY_ROOT: Buffer = Buffer.from('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', 'hex'); // SHA-256("") as a literal: no node:crypto load at import (merkle.test.ts checks it)

/** Largest power of two strictly below n (n >= 2), the split point k of §2.1. */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function isPowerOfTwo(n: number): boolean {
  return n > 0 && Number.isInteger(Math.log2(n));
}

/**
 * An append-only tree that keeps every perfect subtree hash (level h holds
 * the roots of the aligned 2^h-leaf subtrees), so a root or proof for any
 * size costs O(log² n) hashes instead of rehashing every leaf.
 */
export class MerkleTree {
  private readonly levels: Buffer[] = [];
  private readonly counts: number[] = [];

  get size(): number {
    return this.counts[0] ?? 0;
  }

  /**
   * A tree of `size` leaves from its levels as hashTree() lays them out
   * (level h: the floor(size / 2^h) complete nodes, 32 bytes each).
   */
  static fromLevels(levels: Buffer[], size: number): MerkleTree {
    const tree = new MerkleTree();
    for (let h = 0, c = size; c >= 1; h++, c = half(c)) {
      if (levels[h] === undefined || levels[h]!.length < c * HASH_SIZE) {
        throw new OctantError('E_LEDGER_FRONTIER', `level ${h} of a tree of size ${size} needs ${c} hashes`);
      }
      tree.levels.push(levels[h]!);
      tree.counts.push(c);
    }
    return tree;
  }

  append(leaf: Uint8Array): void {
    let node: Uint8Array = leaf;
    for (let h = 0; ; h++) {
      const index = this.put(h, node);
      // A left child waits for its sibling; a right child completes its parent.
      if (index % 2 === 0) return;
      node = nodeHash(this.at(h, index - 1), node);
    }
  }

  leaf(index: number): Buffer {
    return this.at(0, index);
  }

  /** The compact right edge of the whole tree (see Frontier). */
  frontier(): Frontier {
    const nodes: Buffer[] = [];
    let start = 0;
    for (let bit = 2 ** Math.floor(Math.log2(Math.max(this.size, 1))); bit >= 1; bit /= 2) {
      if (start + bit <= this.size) {
        nodes.push(Buffer.from(this.subtree(start, start + bit)));
        start += bit;
      }
    }
    return new Frontier(this.size, nodes);
  }

  /** MTH(D[0:size]) of §2.1. */
  root(size = this.size): Buffer {
    this.checkSize(size);
    return size === 0 ? EMPTY_ROOT : this.subtree(0, size);
  }

  /** PATH(index, D[0:size]) of §2.1.1, leaf to root order. */
  inclusionProof(index: number, size = this.size): Buffer[] {
    this.checkSize(size);
    if (!Number.isInteger(index) || index < 0 || index >= size) {
      throw new OctantError('E_LEDGER_PROOF', `leaf index ${index} is outside a tree of size ${size}`);
    }
    const proof: Buffer[] = [];
    this.path(index, 0, size, proof);
    return proof;
  }

  /** PROOF(size1, D[0:size2]) of §2.1.2. */
  consistencyProof(size1: number, size2 = this.size): Buffer[] {
    this.checkSize(size2);
    if (!Number.isInteger(size1) || size1 < 1 || size1 > size2) {
      throw new OctantError('E_LEDGER_PROOF', `no consistency proof from size ${size1} to size ${size2}`);
    }
    const proof: Buffer[] = [];
    if (size1 < size2) this.subproof(size1, 0, size2, true, proof);
    return proof;
  }

  // PATH(m, D[start:end]) appended in leaf-to-root order.
  private path(m: number, start: number, end: number, out: Buffer[]): void {
    const n = end - start;
    if (n === 1) return;
    const k = splitPoint(n);
    if (m < k) {
      this.path(m, start, start + k, out);
      out.push(this.subtree(start + k, end));
    } else {
      this.path(m - k, start + k, end, out);
      out.push(this.subtree(start, start + k));
    }
  }

  // SUBPROOF(m, D[start:end], b).
  private subproof(m: number, start: number, end: number, whole: boolean, out: Buffer[]): void {
    const n = end - start;
    if (m === n) {
      if (!whole) out.push(this.subtree(start, end));
      return;
    }
    const k = splitPoint(n);
    if (m <= k) {
      this.subproof(m, start, start + k, whole, out);
      out.push(this.subtree(start + k, end));
    } else {
      this.subproof(m - k, start + k, end, false, out);
      out.push(this.subtree(start, start + k));
    }
  }

  // MTH(D[start:end]); aligned perfect subtrees are looked up, the ragged
  // right edge is recomputed (at most log n levels of it).
  private subtree(start: number, end: number): Buffer {
    const n = end - start;
    if (isPowerOfTwo(n) && start % n === 0) return this.at(Math.log2(n), start / n);
    const k = splitPoint(n);
    return nodeHash(this.subtree(start, start + k), this.subtree(start + k, end));
  }

  private at(level: number, index: number): Buffer {
    const offset = index * HASH_SIZE;
    return this.levels[level]!.subarray(offset, offset + HASH_SIZE);
  }

  private put(level: number, node: Uint8Array): number {
    const index = this.counts[level] ?? 0;
    let buf = this.levels[level];
    if (buf === undefined || buf.length < (index + 1) * HASH_SIZE) {
      const grown = Buffer.allocUnsafe(Math.max(1024, (index + 1) * 2) * HASH_SIZE);
      if (buf !== undefined) buf.copy(grown, 0, 0, index * HASH_SIZE);
      this.levels[level] = buf = grown;
    }
    buf.set(node, index * HASH_SIZE);
    this.counts[level] = index + 1;
    return index;
  }

  private checkSize(size: number): void {
    if (!Number.isInteger(size) || size < 0 || size > this.size) {
      throw new OctantError('E_LEDGER_PROOF', `tree size ${size} is beyond the ${this.size} entries held`);
    }
  }
}

/**
 * The right edge of a tree: the roots of its perfect subtrees, largest
 * first (one per 1-bit of the size). Enough to append and to compute the
 * root (§2.1 MTH folds them right to left), in O(log n) memory; the store
 * keeps only this, so opening a large log does not rebuild the whole tree.
 */
export class Frontier {
  size: number;
  private readonly nodes: Buffer[];

  constructor(size = 0, nodes: Buffer[] = []) {
    let bits = 0;
    for (let n = size; n > 0; n = half(n)) bits += n % 2;
    if (!Number.isSafeInteger(size) || size < 0 || bits !== nodes.length || nodes.some((n) => n.length !== HASH_SIZE)) {
      throw new OctantError('E_LEDGER_FRONTIER', `a tree of size ${size} needs ${bits} 32-byte frontier hashes, got ${nodes.length}`);
    }
    this.size = size;
    this.nodes = nodes;
  }

  append(leaf: Uint8Array): void {
    let node: Buffer = Buffer.from(leaf);
    // Each trailing 1-bit of the old size is a left sibling now complete.
    for (let n = this.size; n % 2 === 1; n = half(n)) node = nodeHash(this.nodes.pop()!, node);
    this.nodes.push(node);
    this.size++;
  }

  root(): Buffer {
    if (this.size === 0) return EMPTY_ROOT;
    let r = this.nodes.at(-1)!;
    for (let i = this.nodes.length - 2; i >= 0; i--) r = nodeHash(this.nodes[i]!, r);
    return r;
  }

  hashes(): string[] {
    return this.nodes.map((n) => n.toString('hex'));
  }
}

/** Why a proof was refused; thrown by the verifiers below. */
function refuse(message: string): OctantError {
  return new OctantError('E_LEDGER_PROOF_INVALID', message);
}

function requireHash(value: Uint8Array, what: string): void {
  if (value.length !== HASH_SIZE) throw refuse(`${what} is ${value.length} bytes, not ${HASH_SIZE}`);
}

function isOdd(n: number): boolean {
  return n % 2 === 1;
}

function half(n: number): number {
  return Math.floor(n / 2);
}

/** RFC 9162 §2.1.3.2: verify an inclusion proof; throws E_LEDGER_PROOF_INVALID. */
export function verifyInclusion(index: number, size: number, leaf: Uint8Array, proof: readonly Uint8Array[], root: Uint8Array): void {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) {
    throw refuse(`leaf index ${index} is outside a tree of size ${size}`);
  }
  requireHash(leaf, 'leaf hash');
  requireHash(root, 'root hash');
  proof.forEach((p, i) => requireHash(p, `proof[${i}]`));
  let fn = index;
  let sn = size - 1;
  let r: Uint8Array = leaf;
  for (const p of proof) {
    if (sn === 0) throw refuse('inclusion proof is longer than the tree is deep');
    if (isOdd(fn) || fn === sn) {
      r = nodeHash(p, r);
      // Skip levels where this node has no right sibling (the ragged edge).
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0) throw refuse('inclusion proof is shorter than the tree is deep');
  if (!Buffer.from(r).equals(root)) throw refuse('inclusion proof does not lead to the root hash');
}

/** RFC 9162 §2.1.4.2: verify a consistency proof; throws E_LEDGER_PROOF_INVALID. */
export function verifyConsistency(size1: number, size2: number, proof: readonly Uint8Array[], root1: Uint8Array, root2: Uint8Array): void {
  if (!Number.isSafeInteger(size1) || !Number.isSafeInteger(size2) || size1 < 0 || size2 < size1) {
    throw refuse(`no consistency proof can go from size ${size1} to size ${size2}`);
  }
  // A proof from the empty tree proves nothing (every tree extends it).
  if (size1 === 0) throw refuse('a consistency proof from an empty tree proves nothing');
  if (size1 === size2) {
    if (proof.length !== 0) throw refuse('equal sizes need an empty consistency proof');
    if (!Buffer.from(root1).equals(root2)) throw refuse('equal sizes but the root hashes differ');
    return;
  }
  if (proof.length === 0) throw refuse('empty consistency proof for different sizes');
  requireHash(root1, 'first root hash');
  requireHash(root2, 'second root hash');
  proof.forEach((p, i) => requireHash(p, `proof[${i}]`));
  // When size1 is a power of two its root is a node of the new tree and
  // the proof omits it (§2.1.4.2 step 2).
  const path = isPowerOfTwo(size1) ? [root1, ...proof] : [...proof];
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr: Uint8Array = path[0]!;
  let sr: Uint8Array = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) throw refuse('consistency proof is longer than the tree is deep');
    if (isOdd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0) throw refuse('consistency proof is shorter than the tree is deep');
  if (!Buffer.from(fr).equals(root1)) throw refuse('consistency proof does not lead to the first root hash');
  if (!Buffer.from(sr).equals(root2)) throw refuse('consistency proof does not lead to the second root hash');
}
