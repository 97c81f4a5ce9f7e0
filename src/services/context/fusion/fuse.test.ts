import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Memory } from '../types.ts';
import { fuse, hybridFuse, recencyDecay, type FusionMeta } from './fuse.ts';

const DAY = 24 * 3600_000;
const NOW = 1_800_000_000_000;
const flat = (id: string): FusionMeta | undefined => (id === 'gone' ? undefined : { time: NOW, importance: 0 });

test('RRF: the score is the sum of weight / (k + rank) over the tiers that found the memory', () => {
  const out = fuse({ t2: [{ id: 'a', score: 9 }, { id: 'b', score: 3 }], t3: [{ id: 'b', score: 0.9 }, { id: 'c', score: 0.8 }] }, flat, NOW, { k: 60, recencyWeight: 0, importanceWeight: 0 });
  const score = Object.fromEntries(out.map((h) => [h.id, h.score]));
  assert.ok(Math.abs(score.a - 1 / 61) < 1e-12);
  assert.ok(Math.abs(score.b - (1 / 62 + 1 / 61)) < 1e-12);
  assert.ok(Math.abs(score.c - 1 / 62) < 1e-12);
  assert.deepEqual(out.map((h) => h.id), ['b', 'a', 'c']);
  assert.deepEqual(out[0].ranks, { t2: 2, t3: 1 });
  // Scores of the tiers never matter, only ranks: the same ranks with other scores give the same fusion.
  const again = fuse({ t2: [{ id: 'a', score: 1e9 }, { id: 'b', score: -5 }], t3: [{ id: 'b', score: 7 }, { id: 'c', score: 6 }] }, flat, NOW, { k: 60, recencyWeight: 0, importanceWeight: 0 });
  assert.deepEqual(again, out);
});

test('a memory found by only one tier still appears; tier weights scale a tier', () => {
  const out = fuse({ t2: [], t3: [], t4: [{ id: 'only-graph', score: 1 }] }, flat, NOW);
  assert.deepEqual(out.map((h) => h.id), ['only-graph']);
  const weighted = fuse({ t2: [{ id: 'x', score: 1 }], t3: [{ id: 'y', score: 1 }] }, flat, NOW, { weights: { t3: 2 }, recencyWeight: 0, importanceWeight: 0 });
  assert.deepEqual(weighted.map((h) => h.id), ['y', 'x']);
  // By default T4 weighs 3 (FUSION_DEFAULTS): its first rank beats T2's.
  const byDefault = fuse({ t2: [{ id: 'x', score: 1 }], t4: [{ id: 'y', score: 1 }] }, flat, NOW, { recencyWeight: 0, importanceWeight: 0 });
  assert.deepEqual(byDefault.map((h) => [h.id, h.score]), [['y', 3 / 61], ['x', 1 / 61]]);
});

test('a duplicate within one tier counts once, at its best rank', () => {
  const out = fuse({ t2: [{ id: 'a', score: 1 }, { id: 'a', score: 1 }, { id: 'b', score: 1 }] }, flat, NOW, { recencyWeight: 0, importanceWeight: 0 });
  assert.deepEqual(out.map((h) => [h.id, h.ranks.t2]), [['a', 1], ['b', 2]]);
});

test('recency decay halves every half-life and is 1 for now and the future', () => {
  assert.equal(recencyDecay(0, DAY), 1);
  assert.equal(recencyDecay(-5, DAY), 1);
  assert.equal(recencyDecay(DAY, DAY), 0.5);
  assert.equal(recencyDecay(3 * DAY, DAY), 0.125);
  assert.throws(() => recencyDecay(1, 0), /halfLifeMs/);
});

test('recency reorders equally ranked memories: the newer of two old/new values wins', () => {
  // Both found at rank 1 by different tiers (equal RRF share); the newer one wins by recency.
  const meta = (id: string): FusionMeta => ({ time: id === 'b-new' ? NOW - DAY : NOW - 200 * DAY, importance: 0 });
  const lists = { t2: [{ id: 'a-old', score: 2 }], t3: [{ id: 'b-new', score: 2 }] };
  assert.deepEqual(fuse(lists, meta, NOW, { halfLifeMs: 30 * DAY, importanceWeight: 0 }).map((h) => h.id), ['b-new', 'a-old']);
  // Its twin: with recency off, the tie is broken by id: the old one first.
  assert.deepEqual(fuse(lists, meta, NOW, { recencyWeight: 0, importanceWeight: 0 }).map((h) => h.id), ['a-old', 'b-new']);
  // Recency is worth at most recencyWeight first-ranks: a memory ranked first by two tiers is not overtaken by a brand-new one ranked second by one.
  const strong = fuse({ t2: [{ id: 'a-old', score: 1 }, { id: 'b-new', score: 1 }], t3: [{ id: 'a-old', score: 1 }] }, meta, NOW);
  assert.equal(strong[0].id, 'a-old');
});

test('importance adds on the same scale; out-of-range importance is clamped; unknown memories are left out', () => {
  const meta = (id: string): FusionMeta | undefined => (id === 'gone' ? undefined : { time: NOW, importance: id === 'vip' ? 7 : 0 });
  const out = fuse({ t2: [{ id: 'plain', score: 1 }, { id: 'vip', score: 1 }, { id: 'gone', score: 1 }] }, meta, NOW, { recencyWeight: 0, importanceWeight: 0.5 });
  assert.deepEqual(out.map((h) => h.id), ['vip', 'plain']);
  assert.ok(Math.abs(out[0].score - (1 / 62 + 0.5 / 61)) < 1e-12, 'importance clamped to 1');
});

test('fusion never adds a memory no tier returned, and is deterministic', () => {
  const lists = { t2: [{ id: 'q', score: 1 }, { id: 'p', score: 1 }], t3: [{ id: 'p', score: 1 }, { id: 'q', score: 1 }] };
  const a = fuse(lists, flat, NOW);
  assert.deepEqual(a.map((h) => h.id), ['p', 'q']);
  assert.deepEqual(fuse(lists, flat, NOW), a);
  assert.throws(() => fuse(lists, flat, NOW, { k: -1 }), /k must be/);
});

test("hybridFuse: the store's shape; recency from valid time or the last confirmation, whichever is later", () => {
  const memory = (id: string, validFrom: number, confirmedAt?: number): Memory => ({ id, partition: 'p', kind: 'fact', key: 'k', text: id, importance: 0, pinned: false, validFrom, recordedAt: validFrom, confirmedAt });
  const memories = new Map([['old', memory('old', NOW - 300 * DAY)], ['confirmed', memory('confirmed', NOW - 300 * DAY, NOW)], ['gone', memory('gone', NOW)]]);
  memories.delete('gone');
  const out = hybridFuse()([{ tier: 't2', hits: [{ id: 'old', score: 1 }] }, { tier: 't3', hits: [{ id: 'confirmed', score: 1 }, { id: 'gone', score: 1 }] }], memories, NOW);
  assert.deepEqual(out.map((h) => h.id), ['confirmed', 'old']);
});
