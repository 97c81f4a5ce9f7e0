// BERT's tokenizer for ONNX sentence-embedding models (onnx-model.ts):
// the basic tokenizer then WordPiece, as in Devlin et al., "BERT" (NAACL
// 2019) and the reference tokenization.py / Hugging Face's BertTokenizer:
//   1. clean: drop NUL, U+FFFD and control characters, whitespace to ' ';
//   2. put spaces around CJK ideographs (each is a word);
//   3. lowercase and strip accents (NFD, drop combining marks) when the
//      vocabulary is uncased;
//   4. split on whitespace, then every punctuation character is a word;
//   5. WordPiece: greedy longest match first, continuations prefixed '##';
//      a word with no match (or over 100 characters) is [UNK].
// Then [CLS] tokens [SEP], truncated to the model's length.
// Pure: no I/O (the vocabulary's text is handed in), runs in a worker.

import { normalize } from './hashed-embedding.ts';

export interface Vocabulary {
  ids: ReadonlyMap<string, number>;
  lowercase: boolean;
  unk: number;
  cls: number;
  sep: number;
  prefix: string;
}

export interface Encoded {
  inputIds: number[];
  /** 1 for every token (one text per call: no padding). */
  attentionMask: number[];
  tokenTypeIds: number[];
}

const MAX_WORD_CHARS = 100;

function special(ids: ReadonlyMap<string, number>, token: string, source: string): number {
  const id = ids.get(token);
  if (id === undefined) throw new Error(`${source}: the vocabulary has no ${token} token`);
  return id;
}

function vocabulary(ids: Map<string, number>, lowercase: boolean, source: string, tokens = { unk: '[UNK]', cls: '[CLS]', sep: '[SEP]' }, prefix = '##'): Vocabulary {
  if (ids.size === 0) throw new Error(`${source}: an empty vocabulary`);
  return { ids, lowercase, unk: special(ids, tokens.unk, source), cls: special(ids, tokens.cls, source), sep: special(ids, tokens.sep, source), prefix };
}

/**
 * A vocabulary from BERT's vocab.txt (one token a line, its id the line
 * number) or Hugging Face's tokenizer.json (model.type WordPiece). Uncased
 * unless said: vocab.txt says nothing, so `lowercase` decides (the common
 * sentence-transformers exports, all-MiniLM and bge among them, are uncased).
 */
export function readVocabulary(text: string, source: string, lowercase = true): Vocabulary {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{')) {
    const json = JSON.parse(trimmed) as { model?: { type?: string; vocab?: Record<string, number>; unk_token?: string; continuing_subword_prefix?: string }; normalizer?: { lowercase?: boolean } | null; post_processor?: unknown };
    const model = json.model;
    if (model?.type !== 'WordPiece' || model.vocab === undefined) throw new Error(`${source}: not a WordPiece tokenizer.json (model.type ${String(model?.type)})`);
    const ids = new Map(Object.entries(model.vocab));
    return vocabulary(ids, json.normalizer?.lowercase ?? lowercase, source, { unk: model.unk_token ?? '[UNK]', cls: '[CLS]', sep: '[SEP]' }, model.continuing_subword_prefix ?? '##');
  }
  const ids = new Map<string, number>();
  text.split(/\r?\n/).forEach((token, i) => {
    if (token !== '' && !ids.has(token)) ids.set(token, i);
  });
  return vocabulary(ids, lowercase, source);
}

const isControl = (c: string): boolean => c !== '\t' && c !== '\n' && c !== '\r' && /\p{Cc}|\p{Cf}/u.test(c);
const isWhitespace = (c: string): boolean => /\s/u.test(c);
// BERT counts every ASCII non-alphanumeric printable character as punctuation, and Unicode P*.
const isPunctuation = (c: string): boolean => {
  const cp = c.codePointAt(0)!;
  return (cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126) || /\p{P}/u.test(c);
};
const isCjk = (cp: number): boolean =>
  (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0x3400 && cp <= 0x4dbf) || (cp >= 0x20000 && cp <= 0x2a6df) || (cp >= 0x2a700 && cp <= 0x2b73f) ||
  (cp >= 0x2b740 && cp <= 0x2b81f) || (cp >= 0x2b820 && cp <= 0x2ceaf) || (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0x2f800 && cp <= 0x2fa1f);

/** Steps 1-4: the words of a text. */
export function basicTokens(text: string, lowercase: boolean): string[] {
  let clean = '';
  for (const c of text) {
    const cp = c.codePointAt(0)!;
    if (cp === 0 || cp === 0xfffd || isControl(c)) continue;
    if (isWhitespace(c)) clean += ' ';
    else if (isCjk(cp)) clean += ` ${c} `;
    else clean += c;
  }
  const words: string[] = [];
  for (let word of clean.split(' ')) {
    if (word === '') continue;
    if (lowercase) word = word.toLowerCase().normalize('NFD').replace(/\p{Mn}/gu, '');
    let current = '';
    for (const c of word) {
      if (isPunctuation(c)) {
        if (current !== '') words.push(current);
        words.push(c);
        current = '';
      } else {
        current += c;
      }
    }
    if (current !== '') words.push(current);
  }
  return words;
}

/** Step 5: one word's WordPiece ids. */
export function wordPieces(word: string, vocab: Vocabulary): number[] {
  const chars = [...word];
  if (chars.length > MAX_WORD_CHARS) return [vocab.unk];
  const out: number[] = [];
  let start = 0;
  while (start < chars.length) {
    let end = chars.length;
    let found: number | undefined;
    while (start < end) {
      const piece = (start > 0 ? vocab.prefix : '') + chars.slice(start, end).join('');
      found = vocab.ids.get(piece);
      if (found !== undefined) break;
      end--;
    }
    if (found === undefined) return [vocab.unk];
    out.push(found);
    start = end;
  }
  return out;
}

/** [CLS] pieces [SEP], at most maxTokens in all. */
export function encode(text: string, vocab: Vocabulary, maxTokens: number): Encoded {
  const ids = [vocab.cls];
  for (const word of basicTokens(text, vocab.lowercase)) {
    for (const id of wordPieces(word, vocab)) ids.push(id);
    if (ids.length >= maxTokens - 1) break;
  }
  ids.length = Math.min(ids.length, maxTokens - 1);
  ids.push(vocab.sep);
  return { inputIds: ids, attentionMask: ids.map(() => 1), tokenTypeIds: ids.map(() => 0) };
}

/** Mean of the token vectors where the mask is 1 (sentence-transformers' mean pooling), L2-normalized. */
export function meanPool(hidden: Float32Array, tokens: number, dims: number, mask: readonly number[]): Float32Array {
  const out = new Float32Array(dims);
  let count = 0;
  for (let t = 0; t < tokens; t++) {
    if (mask[t] !== 1) continue;
    count++;
    for (let d = 0; d < dims; d++) out[d] += hidden[t * dims + d];
  }
  if (count > 0) for (let d = 0; d < dims; d++) out[d] /= count;
  return normalize(out);
}
