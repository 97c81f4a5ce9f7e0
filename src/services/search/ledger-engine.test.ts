// The ledger engine over a real ledger on disk: query syntax (words,
// phrases, -not, field:value, filters), ranking (most occurrences, then
// newest), highlights, and a long ledger read a slice per event-loop turn.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rootLayout } from '../../runtime/paths.ts';
import { FIRST_MARK, forEachEntryFrom, ledgerDir, openLedger, type OpenLedger } from '../ledger/api.ts';
import { ledgerEngine, parseLedgerQuery } from './ledger-engine.ts';
import type { SearchQuery } from './types.ts';

let root: string;
let ledger: OpenLedger;

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'octant-ledger-engine-'));
  ledger = await openLedger(rootLayout(root));
  const appends = [];
  // 4,500 routine entries: more than two slices of 2,000.
  for (let i = 0; i < 4500; i++) appends.push(ledger.append({ agent: `agt_${i % 7}`, lineage: [], kind: 'action', action: 'fs.read', target: `/data/file-${i}.txt`, decision: 'allow', detail: {} }));
  await Promise.all(appends);
  await ledger.append({ agent: 'agt_evil', lineage: [], kind: 'action', action: 'http.fetch', target: 'https://exfil.example/upload', decision: 'deny', detail: { reason: 'exfil.example is not in the allowlist; exfil attempt' } });
  await ledger.append({ agent: 'agt_good', lineage: [], kind: 'action', action: 'http.fetch', target: 'https://docs.example/page', decision: 'allow', detail: { note: 'read the quarterly report' } });
  await ledger.append({ agent: 'operator', lineage: [], kind: 'search', action: 'search.query', target: 'exfil', decision: 'allow', detail: {} });
});

after(async () => {
  await ledger.close();
  rmSync(root, { recursive: true, force: true });
});

function engine() {
  return ledgerEngine((from, visit) => forEachEntryFrom(ledgerDir(rootLayout(root)), from, visit, 256 * 1024), FIRST_MARK);
}

const q = (text: string, extra: Partial<SearchQuery> = {}): SearchQuery => ({ text, offset: 0, limit: 10, ...extra });
const signal = new AbortController().signal;

test('query syntax: words, field:value, -not, phrases, filters', () => {
  assert.deepEqual(parseLedgerQuery('exfil agent:agt_evil -allow "quarterly report"'), { must: ['exfil', 'quarterly report'], not: ['allow'], fields: { agent: 'agt_evil' } });
  assert.deepEqual(parseLedgerQuery('x', { decision: 'deny', lang: 'en' }).fields, { decision: 'deny' });
});

test('the best hit has the most occurrences; field:value and -word narrow; hits carry the entry\'s fields', async () => {
  const hits = await engine().search(q('exfil'), { signal });
  assert.equal(hits.length, 1, 'the operator\'s own query entry (kind search) is left out');
  assert.equal(hits[0].title, `#4500 agt_evil http.fetch deny`);
  assert.equal(hits[0].meta?.decision, 'deny');
  assert.match(hits[0].snippet, /«exfil»\.example/);
  assert.equal((await engine().search(q('http.fetch -exfil'), { signal })).map((h) => h.meta?.agent).join(), 'agt_good');
  assert.equal((await engine().search(q('http.fetch decision:allow'), { signal })).length, 1);
  assert.equal((await engine().search(q('"quarterly report"'), { signal })).length, 1);
  assert.equal((await engine().search(q('exfil', { filters: { decision: 'allow' } }), { signal })).length, 0);
  // Asked for explicitly, operators' queries are found too.
  assert.equal((await engine().search(q('exfil kind:search'), { signal })).length, 1);
});

test('a long ledger: every slice is read (the oldest entry is found), newest first among equals, paging by offset and limit', async () => {
  const oldest = await engine().search(q('file-0.txt'), { signal });
  assert.equal(oldest[0].id, '0');
  const page = await engine().search(q('fs.read agent:agt_3', { limit: 3 }), { signal });
  assert.equal(page.length, 3);
  assert.ok(Number(page[0].id) > Number(page[1].id) && Number(page[1].id) > Number(page[2].id), 'newest first');
  assert.equal(page[0].id, '4497'); // 4497 % 7 === 3: the newest of agt_3's
});

test('the scan stops when its signal aborts between slices', async () => {
  const controller = new AbortController();
  const running = engine().search(q('fs.read'), { signal: controller.signal });
  controller.abort(new Error('late'));
  await assert.rejects(running, /late/);
});
