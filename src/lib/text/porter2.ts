// The Porter2 ("English") stemmer of the Snowball project, as specified in
// snowballstem.org/algorithms/english/stemmer.html: regions R1/R2, steps 0-5,
// the exceptional forms. Words arrive lowercased (the analyzer folds case
// first); apostrophes may be present. Pure string code, no tables to load.

const VOWELS = new Set(['a', 'e', 'i', 'o', 'u', 'y']);
const isVowel = (c: string | undefined): boolean => c !== undefined && VOWELS.has(c);

/** Whole words with a fixed stem (the first exceptional list). */
const EXCEPTIONS: Readonly<Record<string, string>> = {
  skis: 'ski', skies: 'sky', dying: 'die', lying: 'lie', tying: 'tie',
  idly: 'idl', gently: 'gentl', ugly: 'ugli', early: 'earli', only: 'onli', singly: 'singl',
  sky: 'sky', news: 'news', howe: 'howe', atlas: 'atlas', cosmos: 'cosmos', bias: 'bias', andes: 'andes',
};

/** Left as they are after step 1a (the second exceptional list). */
const AFTER_1A = new Set(['inning', 'outing', 'canning', 'herring', 'earring', 'proceed', 'exceed', 'succeed']);

const DOUBLES = new Set(['bb', 'dd', 'ff', 'gg', 'mm', 'nn', 'pp', 'rr', 'tt']);
const LI_ENDING = new Set(['c', 'd', 'e', 'g', 'h', 'k', 'm', 'n', 'r', 't']);

const STEP2: readonly (readonly [string, string])[] = [
  ['ization', 'ize'], ['ational', 'ate'], ['fulness', 'ful'], ['ousness', 'ous'], ['iveness', 'ive'],
  ['tional', 'tion'], ['biliti', 'ble'], ['lessli', 'less'],
  ['entli', 'ent'], ['ation', 'ate'], ['alism', 'al'], ['aliti', 'al'], ['ousli', 'ous'], ['iviti', 'ive'], ['fulli', 'ful'],
  ['enci', 'ence'], ['anci', 'ance'], ['abli', 'able'], ['izer', 'ize'], ['ator', 'ate'], ['alli', 'al'],
  ['bli', 'ble'], ['ogi', 'og'], ['li', ''],
];

const STEP3: readonly (readonly [string, string])[] = [
  ['ational', 'ate'], ['tional', 'tion'], ['alize', 'al'], ['icate', 'ic'], ['iciti', 'ic'], ['ative', ''],
  ['ical', 'ic'], ['ness', ''], ['ful', ''],
];

const STEP4 = ['ement', 'ance', 'ence', 'able', 'ible', 'ment', 'ant', 'ent', 'ism', 'ate', 'iti', 'ous', 'ive', 'ize', 'ion', 'al', 'er', 'ic'];

/** Start of the region after the first non-vowel that follows a vowel, from `from`. */
function regionAfter(w: string, from: number): number {
  for (let i = from + 1; i < w.length; i++) if (!isVowel(w[i]) && isVowel(w[i - 1])) return i + 1;
  return w.length;
}

/** A short syllable ends at `end` (exclusive): vCv not ending in w, x, Y; or Vc at the start. */
function shortSyllableAt(w: string, end: number): boolean {
  if (end === 2) return isVowel(w[0]) && !isVowel(w[1]);
  if (end < 3) return false;
  const [a, b, c] = [w[end - 3], w[end - 2], w[end - 1]];
  return !isVowel(a) && isVowel(b) && !isVowel(c) && c !== 'w' && c !== 'x' && c !== 'Y';
}

export function porter2(word: string): string {
  if (word.length <= 2) return word;
  const fixed = Object.hasOwn(EXCEPTIONS, word) ? EXCEPTIONS[word] : undefined;
  if (fixed !== undefined) return fixed;
  let w = word.startsWith("'") ? word.slice(1) : word;
  // y at the start or after a vowel is a consonant: mark it Y.
  let marked = '';
  for (let i = 0; i < w.length; i++) marked += w[i] === 'y' && (i === 0 || isVowel(marked[i - 1])) ? 'Y' : w[i];
  w = marked;

  const r1 = w.startsWith('gener') || w.startsWith('arsen') ? 5 : w.startsWith('commun') ? 6 : regionAfter(w, 0);
  const r2 = regionAfter(w, r1);
  const isShort = (s: string): boolean => shortSyllableAt(s, s.length) && r1 >= s.length;

  // Step 0: the possessive.
  for (const suffix of ["'s'", "'s", "'"]) if (w.endsWith(suffix)) { w = w.slice(0, -suffix.length); break; }

  // Step 1a.
  if (w.endsWith('sses')) w = w.slice(0, -2);
  else if (w.endsWith('ied') || w.endsWith('ies')) w = w.length > 4 ? w.slice(0, -2) : w.slice(0, -1);
  else if (w.endsWith('us') || w.endsWith('ss')) { /* unchanged */ }
  else if (w.endsWith('s')) {
    let vowelBefore = false;
    for (let i = 0; i < w.length - 2; i++) if (isVowel(w[i])) { vowelBefore = true; break; }
    if (vowelBefore) w = w.slice(0, -1);
  }
  if (AFTER_1A.has(w)) return w;

  // Step 1b.
  const eed = w.endsWith('eedly') ? 5 : w.endsWith('eed') ? 3 : 0;
  if (eed > 0) {
    if (w.length - eed >= r1) w = `${w.slice(0, -eed)}ee`;
  } else {
    const ed = w.endsWith('ingly') ? 5 : w.endsWith('edly') ? 4 : w.endsWith('ing') ? 3 : w.endsWith('ed') ? 2 : 0;
    if (ed > 0) {
      const stem = w.slice(0, -ed);
      let hasVowel = false;
      for (const c of stem) if (isVowel(c)) { hasVowel = true; break; }
      if (hasVowel) {
        w = stem;
        if (w.endsWith('at') || w.endsWith('bl') || w.endsWith('iz')) w += 'e';
        else if (DOUBLES.has(w.slice(-2))) w = w.slice(0, -1);
        else if (isShort(w)) w += 'e';
      }
    }
  }

  // Step 1c: y or Y after a non-vowel that is not the first letter becomes i.
  if (w.length > 2 && (w.endsWith('y') || w.endsWith('Y')) && !isVowel(w[w.length - 2])) w = `${w.slice(0, -1)}i`;

  // Step 2 (in R1): the longest suffix decides, even when its condition fails.
  for (const [suffix, replacement] of STEP2) {
    if (!w.endsWith(suffix)) continue;
    const at = w.length - suffix.length;
    if (at >= r1) {
      if (suffix === 'ogi') { if (w[at - 1] === 'l') w = `${w.slice(0, at)}og`; }
      else if (suffix === 'li') { if (LI_ENDING.has(w[at - 1] ?? '')) w = w.slice(0, at); }
      else w = w.slice(0, at) + replacement;
    }
    break;
  }

  // Step 3 (in R1; 'ative' in R2).
  for (const [suffix, replacement] of STEP3) {
    if (!w.endsWith(suffix)) continue;
    const at = w.length - suffix.length;
    if (at >= r1 && (suffix !== 'ative' || at >= r2)) w = w.slice(0, at) + replacement;
    break;
  }

  // Step 4 (in R2; 'ion' after s or t).
  for (const suffix of STEP4) {
    if (!w.endsWith(suffix)) continue;
    const at = w.length - suffix.length;
    if (at >= r2 && (suffix !== 'ion' || w[at - 1] === 's' || w[at - 1] === 't')) w = w.slice(0, at);
    break;
  }

  // Step 5.
  if (w.endsWith('e')) {
    const at = w.length - 1;
    if (at >= r2 || (at >= r1 && !shortSyllableAt(w, at))) w = w.slice(0, at);
  } else if (w.endsWith('ll') && w.length - 1 >= r2) {
    w = w.slice(0, -1);
  }
  return w.replaceAll('Y', 'y');
}
