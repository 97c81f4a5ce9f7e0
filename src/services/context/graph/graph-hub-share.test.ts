// A speaker named in a large share of a partition's turns is a hub for T4's
// mentions (graph-search.ts hubShare): a question naming them must not rank
// any of their turns. Refused case and its twin: the same question where the
// name is rare ranks the memories that name it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DatabaseSync } from 'node:sqlite';
import type { Memory } from '../types.ts';
import { GraphTier } from './graph-tier.ts';
import { sqliteDriver } from './sql-driver.ts';

const TOPICS = ['the weather was grey', 'lunch was soup', 'the train ran late', 'work was quiet', 'the garden needs water', 'a film was long'];
const turn = (partition: string, n: number, text: string): Memory => ({ id: `${partition}-${n}`, partition, kind: 'turn', text, importance: 0.5, pinned: false, validFrom: 1_000 + n, recordedAt: 1_000 + n });

async function tier(turns: Memory[]): Promise<GraphTier> {
  const t4 = new GraphTier({ driver: sqliteDriver(new DatabaseSync(':memory:')) });
  await t4.addMany(turns);
  return t4;
}

test('a speaker named in half the turns is a hub: a question naming them ranks only the turns of what else it names', async () => {
  const turns: Memory[] = [];
  for (let n = 0; n < 200; n++) turns.push(turn('talk', n, `${n % 2 === 0 ? 'Caroline' : 'Melanie'}: ${TOPICS[n % TOPICS.length]} today.`));
  turns.push(turn('talk', 200, 'Caroline: I went to Melbourne for the conference.'));
  turns.push(turn('talk', 201, 'Melanie: Melbourne sounds lovely.'));
  const t4 = await tier(turns);
  const hits = await t4.search('talk', 'When did Caroline go to Melbourne?', 10);
  assert.deepEqual(hits.map((h) => h.id).sort(), ['talk-200', 'talk-201']);
});

test('twin: a name in few of the turns is ranked by its mentions', async () => {
  const turns: Memory[] = [];
  for (let n = 0; n < 200; n++) turns.push(turn('diary', n, `${TOPICS[n % TOPICS.length]} today.`));
  for (const n of [10, 20, 30]) turns[n] = turn('diary', n, `Caroline said ${TOPICS[n % TOPICS.length]}.`);
  turns.push(turn('diary', 200, 'Caroline went to Melbourne for the conference.'));
  const t4 = await tier(turns);
  const hits = await t4.search('diary', 'When did Caroline go to Melbourne?', 10);
  assert.deepEqual(hits.map((h) => h.id).sort(), ['diary-10', 'diary-20', 'diary-200', 'diary-30']);
  // The turn naming both ranks first.
  assert.equal(hits[0].id, 'diary-200');
});

test('a small partition keeps its entities (the share applies past hubFloor mentions)', async () => {
  const turns = [0, 1, 2, 3].map((n) => turn('small', n, `Caroline: ${TOPICS[n]} today.`));
  const t4 = await tier(turns);
  assert.equal((await t4.search('small', 'What did Caroline say?', 10)).length, 4);
});
