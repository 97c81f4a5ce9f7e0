import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { isOctantError } from '../../lib/errors.ts';
import { combine, decodeShare, encodeShare, split } from './shamir.ts';

function subsets<T>(items: T[], k: number): T[][] {
  if (k === 0) return [[]];
  if (items.length < k) return [];
  const [first, ...rest] = items;
  return [...subsets(rest, k - 1).map((s) => [first, ...s]), ...subsets(rest, k)];
}

test('every k-subset of the shares recovers the secret; k-1 shares do not', () => {
  for (const [n, k] of [[2, 2], [3, 2], [5, 3], [6, 6]]) {
    const secret = randomBytes(32);
    const shares = split(secret, n, k);
    for (const subset of subsets(shares, k)) assert.deepEqual(combine(subset), secret, `${k} of ${n}`);
    if (k > 2) for (const subset of subsets(shares, k - 1)) assert.notDeepEqual(combine(subset), secret);
  }
});

test('shares round-trip through their text form; bad text and bad parameters are refused', () => {
  const shares = split(randomBytes(32), 3, 2);
  assert.deepEqual(shares.map(encodeShare).map(decodeShare), shares);
  for (const bad of ['', 'octant-share-1-0-00', 'octant-share-1-256-00', 'octant-share-1-1-abc', 'octant-share-2-1-00']) {
    assert.throws(() => decodeShare(bad), (e) => isOctantError(e, 'E_VAULT_SHARE'), bad);
  }
  assert.throws(() => split(randomBytes(4), 3, 4), (e) => isOctantError(e, 'E_VAULT_SHARE'));
  assert.throws(() => split(randomBytes(4), 1, 1), (e) => isOctantError(e, 'E_VAULT_SHARE'));
  assert.throws(() => combine([shares[0], shares[0]]), (e) => isOctantError(e, 'E_VAULT_SHARE'));
});
