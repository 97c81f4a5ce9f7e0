import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TokenBucket, bucketsFor } from './shaper.ts';

test('token bucket: full burst at start, then debt repaid at the rate', () => {
  let now = 0;
  const bucket = new TokenBucket(1000, 500, () => now);
  assert.equal(bucket.take(500), 0);
  assert.equal(bucket.take(250), 250); // 250 bytes of debt at 1000 B/s
  now += 250;
  assert.equal(bucket.available(), 0);
  now += 100;
  assert.equal(bucket.available(), 100);
  now += 10_000;
  assert.equal(bucket.available(), 500); // capped at the burst
});

test('token bucket: long-run throughput equals the rate', () => {
  let now = 0;
  const bucket = new TokenBucket(2000, 100, () => now);
  let sent = 0;
  for (let i = 0; i < 1000; i++) {
    now += bucket.take(100);
    sent += 100;
  }
  // 100 000 bytes at 2000 B/s, less the initial burst of 100 bytes
  assert.ok(Math.abs(now - ((sent - 100) / 2000) * 1000) < 1e-6);
});

test('token bucket refuses a non-positive rate', () => {
  assert.throws(() => new TokenBucket(0, 10), RangeError);
  assert.throws(() => new TokenBucket(10, -1), RangeError);
});

test('bucketsFor: none without a limit, one per direction with one', () => {
  assert.deepEqual(bucketsFor(undefined), {});
  const b = bucketsFor(1_000_000, () => 0);
  assert.ok(b.up && b.down && b.up !== b.down);
  assert.equal(b.up.rate, 1_000_000);
  assert.equal(b.up.burst, 250_000);
  assert.equal(bucketsFor(1000, () => 0).up!.burst, 16 * 1024);
});
