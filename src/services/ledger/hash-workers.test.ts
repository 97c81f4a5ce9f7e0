// The hash workers' source: it must load only the builtins a worker of the
// executable can load (hash-workers.ts explains why node:crypto and node:net
// abort there), and a tree hashed with workers equals one hashed here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hashTree, WORKER_BUILTINS, WORKER_SOURCE } from './hash-workers.ts';

/** Every builtin a source names, by getBuiltinModule, require or import. */
function builtinsNamed(source: string): string[] {
  return [...source.matchAll(/(?:getBuiltinModule|require|import)\(\s*['"]([^'"]+)['"]/g)].map((m) => m[1]!);
}

test('the worker source loads only WORKER_BUILTINS, and never node:crypto or anything on node:net', () => {
  const named = builtinsNamed(WORKER_SOURCE);
  assert.ok(named.length > 0);
  for (const id of named) assert.ok((WORKER_BUILTINS as readonly string[]).includes(id), `${id} is not in WORKER_BUILTINS`);
  for (const bad of ['node:crypto', 'node:net', 'node:http', 'node:tls', 'node:child_process']) {
    assert.ok(!(WORKER_BUILTINS as readonly string[]).includes(bad), bad);
    assert.ok(!WORKER_SOURCE.includes(bad), `the worker source names ${bad}`);
  }
  // Negative twin: the check sees a builtin named in any of the three forms.
  assert.deepEqual(builtinsNamed("process.getBuiltinModule('node:crypto'); require(\"node:net\"); import('node:tls')"), ['node:crypto', 'node:net', 'node:tls']);
});

test('a tree hashed by workers (CRCs checked too) equals the one hashed on this thread', () => {
  const n = 5000;
  const payloads = Array.from({ length: n }, (_, i) => randomBytes(20 + (i % 50)));
  // Records as records.ts frames them: a CRC-32 in the 4 bytes before each payload.
  const { crc32 } = process.getBuiltinModule('node:zlib');
  const total = payloads.reduce((s, p) => s + 4 + p.length, 0);
  const buf = Buffer.from(new SharedArrayBuffer(total));
  const starts = new Int32Array(new SharedArrayBuffer(4 * n));
  const lengths = new Int32Array(new SharedArrayBuffer(4 * n));
  let at = 0;
  payloads.forEach((p, i) => {
    buf.writeUInt32BE(crc32(p), at);
    p.copy(buf, at + 4);
    starts[i] = at + 4;
    lengths[i] = p.length;
    at += 4 + p.length;
  });
  const here = hashTree(buf, starts, lengths, n, { workers: 0, checkCrc: true });
  const there = hashTree(buf, starts, lengths, n, { workers: 2, minChunk: 64, checkCrc: true });
  assert.equal(here.badCrc, -1);
  assert.equal(there.badCrc, -1);
  assert.deepEqual(there.levels.map((l) => l.toString('hex')), here.levels.map((l) => l.toString('hex')));
  // Negative twin: a flipped payload byte is found by the workers' CRC check.
  buf[starts[4321]!]! ^= 1;
  assert.equal(hashTree(buf, starts, lengths, n, { workers: 2, minChunk: 64, checkCrc: true }).badCrc, 4321);
});

test('building the workers\' hasher loads no node:crypto (a fresh process, so nothing loaded it before)', { skip: process.getBuiltinModule('node:ffi') === undefined ? 'node:ffi is not built into this Node' : false }, () => {
  const sha256 = new URL('./sha256.ts', import.meta.url).href;
  const script = `const { createOpenSslHash, createPrefixedHash } = await import(${JSON.stringify(sha256)});
const crypto = () => process.moduleLoadList.includes('NativeModule crypto');
const h = createOpenSslHash();
console.log(typeof h, crypto());
createPrefixedHash(true)(0, Buffer.from('x'), 0, 1, Buffer.alloc(32), 0);
console.log(crypto());`;
  const out = spawnSync(process.execPath, ['--disable-warning=ExperimentalWarning', '--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(out.status, 0, out.stderr);
  // The twin: the node:crypto fallback does load it, so the check can see it.
  assert.deepEqual(out.stdout.trim().split('\n'), ['function false', 'true']);
});

// Worker threads start in two places only: these hash workers and lib/worker-pool.ts (whose
// worker side is lib/worker-tasks.ts; its redaction workers are tested through dist/octant by
// test/integration/redaction-workers-executable.test.ts). Any other heavy work uses the pool.
test('no other source starts a worker thread: a new one must follow the same rule and be tested through dist/octant', () => {
  const src = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const starters: string[] = [];
  for (const entry of readdirSync(src, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts') || entry.name.endsWith('.test.ts')) continue;
    const file = join(entry.parentPath, entry.name);
    // Type-only imports start nothing.
    const code = readFileSync(file, 'utf8').replace(/^import type .*$/gm, '');
    if (/new Worker\(|node:worker_threads/.test(code)) starters.push(relative(src, file));
  }
  assert.deepEqual(starters.sort(), ['lib/worker-pool.ts', 'lib/worker-tasks.ts', 'services/ledger/hash-workers.ts']);
});
