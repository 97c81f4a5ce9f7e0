// BERT's tokenization (wordpiece.ts) on the reference examples, and mean pooling.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { basicTokens, encode, meanPool, readVocabulary, wordPieces } from './wordpiece.ts';

const VOCAB = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', 'un', '##aff', '##able', 'hello', '!', 'cafe', 'the', 'runn', '##ing', '中', '国'].join('\n');

test('the basic tokenizer: cleaned, lowercased, accents stripped, punctuation and CJK split', () => {
  assert.deepEqual(basicTokens(' \tHeLLo!how  \n Are yoU?  ', true), ['hello', '!', 'how', 'are', 'you', '?']);
  assert.deepEqual(basicTokens('Café naïve\u0000', true), ['cafe', 'naive']);
  assert.deepEqual(basicTokens('Café', false), ['Café']);
  assert.deepEqual(basicTokens('ab中国cd', true), ['ab', '中', '国', 'cd']);
  assert.deepEqual(basicTokens('e-mail: x@y', true), ['e', '-', 'mail', ':', 'x', '@', 'y']);
});

test('WordPiece: greedy longest match first, ## continuations, [UNK] for what does not match', () => {
  const vocab = readVocabulary(VOCAB, 'vocab.txt');
  const id = (t: string) => vocab.ids.get(t)!;
  assert.deepEqual(wordPieces('unaffable', vocab), [id('un'), id('##aff'), id('##able')]);
  assert.deepEqual(wordPieces('running', vocab), [id('runn'), id('##ing')]);
  assert.deepEqual(wordPieces('unknownword', vocab), [vocab.unk]);
  assert.deepEqual(wordPieces('x'.repeat(101), vocab), [vocab.unk]);
  const encoded = encode('Unaffable café!', vocab, 16);
  assert.deepEqual(encoded.inputIds, [id('[CLS]'), id('un'), id('##aff'), id('##able'), id('cafe'), id('!'), id('[SEP]')]);
  assert.deepEqual(encoded.attentionMask, [1, 1, 1, 1, 1, 1, 1]);
  assert.deepEqual(encoded.tokenTypeIds, [0, 0, 0, 0, 0, 0, 0]);
  // Truncated to the model's length, [SEP] kept last.
  const short = encode('hello hello hello hello hello', vocab, 4);
  assert.deepEqual(short.inputIds, [id('[CLS]'), id('hello'), id('hello'), id('[SEP]')]);
});

test('tokenizer.json (Hugging Face, WordPiece) gives the same ids; other tokenizers are refused by name', () => {
  const json = JSON.stringify({ normalizer: { type: 'BertNormalizer', lowercase: true }, model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', vocab: Object.fromEntries(VOCAB.split('\n').map((t, i) => [t, i])) } });
  const fromJson = readVocabulary(json, 'tokenizer.json');
  const fromText = readVocabulary(VOCAB, 'vocab.txt');
  assert.deepEqual(encode('Unaffable running!', fromJson, 32), encode('Unaffable running!', fromText, 32));
  assert.throws(() => readVocabulary(JSON.stringify({ model: { type: 'BPE', vocab: {} } }), 'tokenizer.json'), /not a WordPiece tokenizer.json \(model.type BPE\)/);
  assert.throws(() => readVocabulary('hello\nworld', 'vocab.txt'), /vocab.txt: the vocabulary has no \[UNK\] token/);
});

test('mean pooling counts only the tokens the mask keeps, then normalizes', () => {
  const hidden = Float32Array.from([1, 0, 3, 6, 100, 100]);
  const v = meanPool(hidden, 3, 2, [1, 1, 0]);
  assert.deepEqual([...v].map((x) => Number(x.toFixed(6))), [0.5547, 0.83205]);
});
