import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { canonicalBytes } from '../../lib/canonical-json.ts';
import { buildEntry } from './entry.ts';
import type { LedgerEvent } from './types.ts';

const odd = ['', 'plain', 'ä€😀', 'quote " backslash \\ slash /', 'ctl \u0000\u001f\n\t', 'lone \ud800 surrogate', '\u2028\u2029'];

test('buildEntry writes exactly the RFC 8785 canonical bytes of the entry', () => {
  for (let i = 0; i < 300; i++) {
    const pick = (k: number) => odd[(i + k) % odd.length]!;
    const event: LedgerEvent = {
      agent: pick(1) || 'a',
      lineage: i % 3 === 0 ? [] : [pick(2) || 'r', `aid-${i}`],
      kind: pick(3) || 'k',
      action: pick(4) || 'x',
      target: pick(5),
      decision: pick(6) || 'allow',
      detail: { z: i, a: [pick(0), { y: -i / 7, b: null }], [pick(2)]: randomBytes(4).toString('hex'), n: 1e21 + i, t: true },
    };
    const prev = i % 4 === 0 ? '' : randomBytes(32).toString('hex');
    const { entry, bytes, record } = buildEntry(event, i * 1_000_003, new Date(i * 1e9).toISOString(), prev, 8);
    assert.deepEqual(bytes, canonicalBytes(entry), `event ${i}`);
    assert.equal(record.length, bytes.length + 8);
    assert.deepEqual(JSON.parse(bytes.toString()), JSON.parse(JSON.stringify(entry)));
  }
});

test('buildEntry refuses a detail with no JSON form, naming the field; a plain one passes', () => {
  const base: LedgerEvent = { agent: 'a', lineage: [], kind: 'k', action: 'x', target: '', decision: 'ok', detail: {} };
  assert.throws(() => buildEntry({ ...base, detail: { n: Number.NaN } }, 0, 't', ''), (e: Error & { code?: string }) => e.code === 'E_LEDGER_EVENT' && /detail/.test(e.message));
  assert.throws(() => buildEntry({ ...base, detail: { f: () => 1 } }, 0, 't', ''), (e: Error & { code?: string }) => e.code === 'E_LEDGER_EVENT');
  assert.equal(buildEntry({ ...base, detail: { n: 1 } }, 0, 't', '').entry.detail.n, 1);
});
