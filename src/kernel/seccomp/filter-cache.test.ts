import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cachedFilterCount, cachedSeccomp, FILTER_CACHE_SIZE } from './filter-cache.ts';
import { compileSeccomp } from './compiler.ts';
import { isOctantError } from '../../lib/errors.ts';

const base = { syscalls: ['read', 'write', 'socket', 'exit_group'], inet: false };

test('a cached filter is byte-identical to a fresh compile, per policy and option', () => {
  for (const [policy, options] of [[base, {}], [{ ...base, inet: true }, {}], [base, { defaultAction: 'kill' as const }]] as const) {
    assert.deepEqual(cachedSeccomp(policy, options), compileSeccomp(policy, options));
    assert.deepEqual(cachedSeccomp(policy, options), compileSeccomp(policy, options), 'second call, from the cache');
  }
  // The three inputs are three entries: inet and the default action change the program.
  assert.notDeepEqual(cachedSeccomp(base), cachedSeccomp({ ...base, inet: true }));
  assert.notDeepEqual(cachedSeccomp(base), cachedSeccomp(base, { defaultAction: 'kill' }));
});

test('a caller altering its copy cannot alter the next launch\'s filter', () => {
  const first = cachedSeccomp(base);
  first.fill(0);
  assert.deepEqual(cachedSeccomp(base), compileSeccomp(base));
});

test('a bad policy fails every time (never cached); twin: the good one is cached', () => {
  const bad = { syscalls: ['read', 'frobnicate'], inet: false };
  for (let i = 0; i < 2; i++) assert.throws(() => cachedSeccomp(bad), (e) => isOctantError(e, 'E_SECCOMP_UNKNOWN_SYSCALL'));
  const before = cachedFilterCount();
  cachedSeccomp({ syscalls: ['read', 'close'], inet: false });
  assert.equal(cachedFilterCount(), before + 1);
});

test('the cache is bounded; an evicted policy still compiles correctly', () => {
  const names = ['read', 'write', 'close', 'fstat', 'lseek', 'mmap', 'mprotect', 'munmap', 'brk'];
  for (let i = 0; i < FILTER_CACHE_SIZE + 10; i++) {
    const syscalls = names.filter((_, bit) => (i >> bit) & 1);
    cachedSeccomp({ syscalls: [...syscalls, 'exit_group'], inet: false });
  }
  assert.equal(cachedFilterCount(), FILTER_CACHE_SIZE);
  assert.deepEqual(cachedSeccomp(base), compileSeccomp(base));
});
