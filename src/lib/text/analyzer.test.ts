import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createAnalyzer, foldWord } from './analyzer.ts';
import { LANGUAGE_TAGS } from './languages.ts';
import { porter2 } from './porter2.ts';

// Pairs from the Snowball English stemmer's published sample vocabulary
// (snowballstem.org/algorithms/english/stemmer.html) and its exceptional forms.
const PORTER2 = `consign consign consigned consign consigning consign consignment consign consist consist consisted consist
consistency consist consistent consist consistently consist consisting consist consists consist consolation consol
consolations consol consolatory consolatori console consol consoled consol consoles consol consolidate consolid
consolidated consolid consolidating consolid consoling consol consolingly consol consols consol consonant conson
consort consort consorted consort consorting consort conspicuous conspicu conspicuously conspicu conspiracy conspiraci
conspirator conspir conspirators conspir conspire conspir conspired conspir conspiring conspir constable constabl
constables constabl constance constanc constancy constanc constant constant knack knack knackeries knackeri knaves knave
knee knee knightly knight generously generous generation generat skies sky dying die news news cries cri ties tie
gaps gap gas gas kiwis kiwi hopping hop hoped hope agreed agre inning inning proceed proceed`.split(/\s+/);

test('Porter2 stems the published sample words as Snowball does', () => {
  for (let i = 0; i < PORTER2.length; i += 2) assert.equal(porter2(PORTER2[i]!), PORTER2[i + 1], PORTER2[i]);
});

test('words named like Object.prototype properties are words, not prototype lookups', () => {
  assert.equal(porter2('constructor'), 'constructor');
  assert.deepEqual(createAnalyzer('en').terms('constructor toString __proto__ hasOwnProperty'), ['constructor', 'tostr', 'proto', 'hasownproperti']);
});

test('analysis: lowercase, stopwords out, stems, diacritics folded, offsets kept', () => {
  const en = createAnalyzer('en');
  assert.deepEqual(en.terms("The Boundary-layer flows of a body don't separate; Café NAÏVE Straße"), ['boundari', 'layer', 'flow', 'bodi', 'separ', 'cafe', 'naiv', 'strasse']);
  const text = 'Heat  transfer, again';
  assert.deepEqual(en.tokens(text).map((t) => [t.term, text.slice(t.start, t.end)]), [['heat', 'Heat'], ['transfer', 'transfer'], ['again', 'again']].filter(([t]) => !en.isStopword(t!)));
  assert.equal(en.term('Flows'), 'flow');
  assert.equal(en.term('the'), undefined);
  assert.equal(en.fold('Écoles'), 'ecoles');
  assert.equal(foldWord('ÆON'), 'aeon');
  // Data is not words: a 65-character run is skipped.
  assert.deepEqual(en.terms(`${'x'.repeat(65)} wing`), ['wing']);
});

test('other languages stem on the accented form, then fold', () => {
  assert.deepEqual(createAnalyzer('fr').terms('Les élèves étudiaient continuellement'), ['elev', 'etudi', 'continuel']);
  assert.deepEqual(createAnalyzer('de').terms('Die Häuser und die Bäume'), ['haus', 'baum']);
  assert.deepEqual(createAnalyzer('none').terms('The Houses'), ['the', 'houses']);
  assert.ok(LANGUAGE_TAGS.includes('en') && LANGUAGE_TAGS.length >= 12);
});

test('an unknown language is refused with its name and the known ones', () => {
  assert.throws(() => createAnalyzer('xx'), (e: Error & { code?: string; hint?: string }) => e.code === 'E_TEXT_LANGUAGE' && /'xx'/.test(e.message) && /en/.test(e.hint ?? ''));
  assert.equal(createAnalyzer('en-GB').lang, 'en');
});

test('the scanner finds exactly the words of the Unicode word pattern (random mixed text, ASCII fast path and fallback)', () => {
  const en = createAnalyzer('en');
  const pattern = /[\p{L}\p{N}][\p{L}\p{N}\p{M}]*(?:['\u2019][\p{L}\p{N}\p{M}]+)*/gu;
  const pieces = ['wing', 'Flow', '42', 'café', 'e\u0301t\u00e9', "don't", "dogs'", 'rock\u2019n', 'naïve', '—', '…', ' ', '  ', ',', '-', '_', "'", '\u0301', '𝐀𝐁', '😀', 'Straße', 'Ωmega', 'x'.repeat(70), 'the', '.', '\n', 'ab12cd'];
  let seed = 7;
  const next = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
  for (let round = 0; round < 300; round++) {
    let text = '';
    for (let k = 0; k < 20; k++) text += pieces[Math.floor(next() * pieces.length)]!;
    const expected = [...text.matchAll(pattern)]
      .filter((m) => m[0].length <= 64)
      .flatMap((m) => { const term = en.term(m[0]); return term === undefined ? [] : [{ term, start: m.index, end: m.index + m[0].length }]; });
    assert.deepEqual(en.tokens(text), expected, JSON.stringify(text));
  }
});
