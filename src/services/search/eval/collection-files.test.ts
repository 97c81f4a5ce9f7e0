import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { isOctantError } from '../../../lib/errors.ts';
import { parseDocs, parseQrels, parseQueries } from './collection-files.ts';

test('documents: SMART keeps title and text (and keywords), TREC reads DOCNO, headline and text, JSON lines take body or text', () => {
  assert.deepEqual(parseDocs('.I 7\n.T\nA title\n.A\nAuthor\n.W\nThe text\n.K\nkey words\n', 'smart'),
    [{ id: '7', title: 'A title', body: 'The text key words', authors: 'Author', source: '' }]);
  const trec = parseDocs('<DOC>\n<DOCNO> FT-1 </DOCNO>\n<HEADLINE>Head <b>line</b></HEADLINE>\n<TEXT>\nBody one.\n</TEXT>\n</DOC>\n<DOC><DOCNO>FT-2</DOCNO><TEXT>Two</TEXT></DOC>', 'trec');
  assert.deepEqual(trec.map((d) => [d.id, d.title, d.body]), [['FT-1', 'Head line', 'Body one.'], ['FT-2', '', 'Two']]);
  assert.throws(() => parseDocs('<DOC><TEXT>x</TEXT></DOC>', 'trec'), (e) => isOctantError(e, 'E_SEARCH_EVAL_FORMAT'));
  assert.deepEqual(parseDocs('{"id": 3, "title": "T", "text": "B"}\n\n{"id": "x", "body": "C"}\n', 'jsonl').map((d) => [d.id, d.title, d.body]), [['3', 'T', 'B'], ['x', '', 'C']]);
  assert.throws(() => parseDocs('{"title": "no id"}\n', 'jsonl'), (e) => isOctantError(e, 'E_SEARCH_EVAL_FORMAT') && e.message.includes('line 1'));
});

test('queries: SMART ids without leading zeros or by position, TREC topic titles, tab-separated lines', () => {
  const smart = '.I 001\n.W\nfirst query\n.I 004\n.W\nsecond\n';
  assert.deepEqual(parseQueries(smart, 'smart'), [{ id: '1', text: 'first query' }, { id: '4', text: 'second' }]);
  assert.deepEqual(parseQueries(smart, 'smart', 'position').map((q) => q.id), ['1', '2']);
  const topics = '<top>\n<num> Number: 301\n<title> International Organized Crime\n<desc> Description:\nIdentify organizations\n</top>';
  assert.deepEqual(parseQueries(topics, 'trec'), [{ id: '301', text: 'International Organized Crime' }]);
  assert.deepEqual(parseQueries('q1\theat flux\nq2\tshells\n', 'tsv'), [{ id: 'q1', text: 'heat flux' }, { id: 'q2', text: 'shells' }]);
  assert.throws(() => parseQueries('no tab here\n', 'tsv'), (e) => isOctantError(e, 'E_SEARCH_EVAL_FORMAT'));
});

test('judgements: TREC grades, Cranfield codes, SMART-era pairs (every listed pair relevant)', () => {
  assert.equal(parseQrels('1 0 d1 2\n', 'trec').get('1')?.get('d1'), 2);
  assert.equal(parseQrels('1 184 2\n', 'cranfield').get('1')?.get('184'), 3);
  const pairs = parseQrels('01 1410  0 0\n 1 28 0 0.000000\n', 'pairs');
  assert.deepEqual([...pairs.get('1') ?? []], [['1410', 1], ['28', 1]]);
});
