import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hashedEmbedding, words } from './hashed-embedding.ts';
import { dot } from './vector-index.ts';

const cos = (a: string, b: string): number => dot(hashedEmbedding(a, 256), 0, hashedEmbedding(b, 256), 0, 256);

test('unit length, deterministic, zero for a text without words', () => {
  const v = hashedEmbedding('The user prefers dark mode in every editor', 256);
  assert.ok(Math.abs(dot(v, 0, v, 0, 256) - 1) < 1e-5);
  assert.deepEqual(hashedEmbedding('The user prefers dark mode in every editor', 256), v);
  assert.ok(hashedEmbedding('  ?! -- ', 256).every((x) => x === 0));
  assert.deepEqual(words('Ｆｕｌｌ-width CAFÉ café'), ['full', 'width', 'café', 'café']);
});

test('shared words and word pieces bring texts together; unrelated texts stay near orthogonal', () => {
  const base = 'my timezone is Europe/Paris';
  const inflected = cos(base, 'which time zones? timezones: Europe and Paris');
  const unrelated = cos(base, 'the cat sleeps on the warm laptop keyboard');
  assert.ok(inflected > 0.4, `inflected ${inflected}`);
  assert.ok(Math.abs(unrelated) < 0.2, `unrelated ${unrelated}`);
  // A misspelling still lands near its word (character trigrams).
  assert.ok(cos('Priya works at Quantix Labs', 'priya quantics lab') > cos('Priya works at Quantix Labs', 'tomas bakes bread'));
  // Glue words alone do not make texts similar.
  assert.ok(cos('what is the name of the thing', 'where is the rest of the day') < 0.35);
});
