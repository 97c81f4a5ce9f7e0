import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { test } from 'node:test';
import { isOctantError } from '../../../lib/errors.ts';
import { cranfieldGain, loadCranfield } from './cranfield.ts';
import { evaluate } from './evaluate.ts';
import { formatTrecRun, parseTrecQrels, parseTrecRun } from './judgments.ts';
import { parseSmart } from './smart-format.ts';

test('evaluate: means over judged queries with a relevant document; an unanswered query scores 0', () => {
  const qrels = parseTrecQrels('1 0 a 2\n1 0 b 1\n2 0 c 1\n3 0 d 0\n');
  const run = new Map([['1', ['a', 'b']], ['9', ['z']]]);
  const result = evaluate(run, qrels);
  assert.equal(result.queries, 2, 'query 3 has no relevant document; query 9 is not judged');
  assert.deepEqual(result.perQuery.map((q) => [q.query, q.ndcg10, q.ap, q.recall100]), [['1', 1, 1, 1], ['2', 0, 0, 0]]);
  assert.equal(result.ndcg10, 0.5);
  assert.equal(result.map, 0.5);
});

test('qrels: a negative grade is judged not relevant; a malformed line names its number', () => {
  const qrels = parseTrecQrels('7 0 x -1\n7 0 y 2\n');
  assert.deepEqual([...qrels.get('7') ?? []], [['x', 0], ['y', 2]]);
  assert.throws(() => parseTrecQrels('7 0 x 1\n7 0 y\n'), (e) => isOctantError(e, 'E_SEARCH_EVAL_FORMAT') && e.message.includes('line 2'));
});

test('runs: ordered by score then document id descending, as trec_eval orders them; written runs read back in order', () => {
  const run = parseTrecRun('q Q0 a 1 1.5 t\nq Q0 b 2 2.0 t\nq Q0 c 3 1.5 t\n');
  assert.deepEqual(run.get('q'), ['b', 'c', 'a']);
  const again = parseTrecRun(formatTrecRun(new Map([['q', ['x', 'y', 'z']]]), 'ours'));
  assert.deepEqual(again.get('q'), ['x', 'y', 'z']);
  assert.throws(() => parseTrecRun('q Q0 a 1 high t\n'), (e) => isOctantError(e, 'E_SEARCH_EVAL_FORMAT'));
});

test('SMART records: fields run to the next marker; text before any record is refused', () => {
  const records = parseSmart('.I 1\n.T\nshear\nflow .\n.W\nbody text\n.I 2\n.W\nsecond\n');
  assert.deepEqual(records, [{ id: '1', fields: { T: 'shear flow .', W: 'body text' } }, { id: '2', fields: { W: 'second' } }]);
  assert.throws(() => parseSmart('stray\n.I 1\n'), (e) => isOctantError(e, 'E_SEARCH_EVAL_FORMAT'));
});

test('Cranfield: 1400 documents, 225 queries numbered by position, codes 1..4 mapped to gains 4..1, -1 judged not relevant', () => {
  const c = loadCranfield(join(import.meta.dirname, '../../../../bench/data/cranfield'));
  assert.equal(c.docs.length, 1400);
  assert.equal(c.queries.length, 225);
  assert.equal(c.queries[2].id, '3');
  assert.match(c.queries[2].text, /^what problems of heat conduction in composite slabs/);
  assert.equal(c.docs[0].title, 'experimental investigation of the aerodynamics of a wing in a slipstream .');
  assert.equal(c.qrels.size, 225);
  assert.deepEqual([1, 2, 3, 4, 5, -1].map(cranfieldGain), [4, 3, 2, 1, 0, 0]);
  assert.equal(c.qrels.get('1')?.get('184'), 3, 'query 1, doc 184 has code 2');
  assert.equal(c.qrels.get('1')?.get('486'), 0, 'query 1, doc 486 has code -1');
});
