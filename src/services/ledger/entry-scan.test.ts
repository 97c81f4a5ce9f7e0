import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildEntry, parseEntry } from './entry.ts';
import { decodeString, scanEntryHead } from './entry-scan.ts';

const PREV = 'ab'.repeat(32);
const canonical = (detail: Record<string, unknown> = { bytes: 12, nested: { list: [1, -2.5e3, true, null, 'x"\\y'] } }, agent = 'aid-1', kind = 'action', action = 'fs.read', prev = PREV) =>
  buildEntry({ agent, lineage: ['root', 'mid'], kind, action, target: '/work/ä "quoted"\n', decision: 'allow', detail }, 41, '2025-01-02T03:04:05.006Z', prev).bytes;

test('scanEntryHead reads seq, agent, prev and seal exactly as JSON.parse does', () => {
  const bytes = canonical();
  const head = scanEntryHead(bytes)!;
  const parsed = parseEntry(bytes)!;
  assert.equal(head.seq, parsed.seq);
  assert.equal(head.agent, parsed.agent);
  assert.equal(decodeString(bytes, head.prevStart, head.prevEnd), parsed.prev);
  assert.equal(head.seal, false);
  const seal = canonical({}, 'aid-2', 'lifecycle', 'partition.seal', '');
  assert.equal(scanEntryHead(seal)!.seal, true);
  assert.equal(decodeString(seal, scanEntryHead(seal)!.prevStart, scanEntryHead(seal)!.prevEnd), '');
  // Non-ASCII and escaped agents decode like JSON.parse.
  const odd = canonical({}, 'ägent\t"1"');
  assert.equal(scanEntryHead(odd)!.agent, 'ägent\t"1"');
  // An escaped spelling of the seal action is still a seal (JSON.parse would say so).
  const escaped = Buffer.from(seal.toString().replace('"partition.seal"', '"partition\\u002eseal"'));
  assert.equal(parseEntry(escaped)!.action, 'partition.seal');
  assert.equal(scanEntryHead(escaped)!.seal, true);
  // Deep nesting in detail is walked without recursion.
  const deep = Buffer.from(canonical({ d: 0 }).toString().replace('{"d":0}', `{"d":${'['.repeat(20_000)}${']'.repeat(20_000)}}`));
  assert.equal(scanEntryHead(deep)!.seq, 41);
});

test('scanEntryHead refuses what is not a canonical entry, each with a positive twin', () => {
  const good = canonical().toString();
  assert.ok(scanEntryHead(Buffer.from(good)));
  const bad: Array<[string, string]> = [
    ['whitespace', good.replace('"agent":', '"agent": ')],
    ['extra member', good.replace('{"action"', '{"aaa":1,"action"')],
    ['missing member', good.replace(/"decision":"allow",/, '')],
    ['reordered members', good.replace(/"action":"fs.read","agent":"aid-1"/, '"agent":"aid-1","action":"fs.read"')],
    ['broken literal in detail', good.replace('true', 'tru')],
    ['bad number in detail', good.replace('-2500', '-2.e3')],
    ['leading zero number in detail', good.replace('-2500', '-02500')],
    ['leading zero in seq', good.replace('"seq":41', '"seq":041')],
    ['fractional seq', good.replace('"seq":41', '"seq":41.5')],
    ['string seq', good.replace('"seq":41', '"seq":"41"')],
    ['unterminated string', good.slice(0, good.indexOf('"target"') + 12)],
    ['raw control character', good.replace('fs.read', 'fs\u0001read')],
    ['bad escape', good.replace('fs.read', 'fs\\qread')],
    ['short unicode escape', good.replace('fs.read', 'fs\\u12read')],
    ['detail not an object', good.replace(/"detail":\{.*\},"kind"/, '"detail":[],"kind"')],
    ['lineage not an array', good.replace('"lineage":["root","mid"]', '"lineage":"root"')],
    ['unbalanced detail', good.replace('"list":[', '"list":[[')],
    ['trailing bytes', `${good} `],
    ['agent not a string', good.replace('"agent":"aid-1"', '"agent":7')],
  ];
  for (const [why, text] of bad) {
    assert.notEqual(text, good, `${why}: the mutation applied`);
    assert.equal(scanEntryHead(Buffer.from(text)), undefined, why);
  }
});
