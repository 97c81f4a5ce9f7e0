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

test('details in canonical order (the JSON.stringify path) and their look-alikes give the canonical bytes too', () => {
  class Box {
    b = 1;
    a = 2;
  }
  const details: Array<Record<string, unknown>> = [
    {},
    { a: 1, b: 'x', c: true, d: null },
    { b: 1, a: 2 },
    { '10': 1, '9': 2, a: 3 },
    { a: undefined, b: -0, c: 1e21, d: 5e-7, e: 'ä😀\u2028' },
    { '': 1, A: 2, a: 3, é: 4 },
    new Box() as unknown as Record<string, unknown>,
    { a: 1, toJSON: 2 },
    Object.assign(Object.create({ inherited: 1 }) as Record<string, unknown>, { own: 1 }),
    // Nested: sorted at every level, unsorted below the top, arrays of objects.
    { a: { b: 1, c: [1, 'x', { d: null, e: false }] }, f: [] },
    { a: { c: 1, b: 2 } },
    { a: [{ y: 1, x: 2 }] },
    { a: { '10': 1, '9': 2 } },
    { a: [[1, [2, { z: undefined, y: 'ä😀\u2028' }]]] },
    { a: { toJSON: 1 } },
    { a: Object.assign(Object.create(null) as Record<string, unknown>, { b: 1 }) },
  ];
  for (const detail of details) {
    const { entry, bytes } = buildEntry({ agent: 'a', lineage: [], kind: 'k', action: 'x', target: 't', decision: 'ok', detail }, 7, 'time', '');
    assert.deepEqual(bytes.toString(), canonicalBytes(entry).toString(), JSON.stringify(detail));
  }
});

test('nested values with no JSON form are refused, not written as stringify would', () => {
  const base: LedgerEvent = { agent: 'a', lineage: [], kind: 'k', action: 'x', target: '', decision: 'ok', detail: {} };
  // JSON.stringify would write null, or leave the member out, for each of these.
  for (const detail of [{ a: [1, undefined] }, { a: { b: Number.POSITIVE_INFINITY } }, { a: [() => 1] }, { a: { f: Symbol('s') } }, { a: [1, , 3] }]) {
    assert.throws(() => buildEntry({ ...base, detail: detail as Record<string, unknown> }, 0, 't', ''), (e: Error & { code?: string }) => e.code === 'E_LEDGER_EVENT', JSON.stringify(detail));
  }
});

test('buildEntry refuses a detail with no JSON form, naming the field; a plain one passes', () => {
  const base: LedgerEvent = { agent: 'a', lineage: [], kind: 'k', action: 'x', target: '', decision: 'ok', detail: {} };
  assert.throws(() => buildEntry({ ...base, detail: { n: Number.NaN } }, 0, 't', ''), (e: Error & { code?: string }) => e.code === 'E_LEDGER_EVENT' && /detail/.test(e.message));
  assert.throws(() => buildEntry({ ...base, detail: { f: () => 1 } }, 0, 't', ''), (e: Error & { code?: string }) => e.code === 'E_LEDGER_EVENT');
  assert.equal(buildEntry({ ...base, detail: { n: 1 } }, 0, 't', '').entry.detail.n, 1);
});
