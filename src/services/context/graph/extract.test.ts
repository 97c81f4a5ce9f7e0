import { test } from 'node:test';
import assert from 'node:assert/strict';
import { extract, normalizeEntity } from './extract.ts';

const rel = (text: string, key?: string): string[] => extract(text, key).relations.map((r) => `${r.subject} -${r.relation}-> ${r.object}`);
const ents = (text: string): string[] => [...extract(text).entities.keys()];

test('names: runs of capitalized words, not a common word that only opens the sentence', () => {
  assert.deepEqual(ents('Yesterday Tomas and I went hiking near Bank of America Plaza.'), ['tomas', 'bank of america plaza']);
  assert.deepEqual(ents("The weather was nice. Priya's dog barked at O'Brien."), ['priya', "o'brien"]);
  assert.deepEqual(ents('no names in here at all'), []);
});

test('relations: verb patterns, possessives, "my", key=value', () => {
  assert.deepEqual(rel('My friend Priya Raman just started a new job at Quantix Labs.'), ['priya raman -works_at-> quantix labs']);
  assert.deepEqual(rel('Quantix Labs is based in Oslo, which is cold.'), ['quantix labs -based_in-> oslo']);
  assert.deepEqual(rel('I moved to Lisbon last spring!'), ['user -lives_in-> lisbon']);
  assert.deepEqual(rel("Priya's dog is called Biscuit."), ['priya -dog-> biscuit']);
  assert.deepEqual(rel('My timezone is Europe/Paris.'), ['user -timezone-> europe/paris']);
  assert.deepEqual(rel('Oslo is a city in Norway.'), ['oslo -is-> city']);
  assert.deepEqual(rel('timezone=Europe/Paris, editor: "neo vim"'), ['timezone -is-> europe/paris', 'editor -is-> neo vim']);
  // A URL's scheme is not a key.
  assert.deepEqual(rel('see https://example.org/x'), []);
  // The sentence's opener alone is no subject.
  assert.deepEqual(rel('The weather was nice.'), []);
  // A fact's key is an entity even when the text names nothing.
  assert.deepEqual([...extract('dark', 'ui.theme').entities.keys()], ['ui.theme']);
});

test('normalized names: case, spaces, a leading article, trailing dots', () => {
  assert.equal(normalizeEntity('  The   Quantix  Labs. '), 'quantix labs');
  assert.equal(normalizeEntity('ＡＣＭＥ'), 'acme');
  assert.equal(normalizeEntity('?!'), '');
});
