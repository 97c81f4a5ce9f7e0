// Strict JSON bodies (src/lib/json-body.ts) against plain JSON.parse of the
// same bytes (decode + parse, the baseline measured in the same run), and
// the operator-output escaper (src/lib/safe-text.ts) against a plain copy.
// Bodies: a typical 1 MiB request (objects of strings and numbers), the same
// at 16 MiB (linearity), one object with 200,000 members (the duplicate-name
// set), and 1 MiB of text full of control characters for the escaper.
//
//   node bench/json-body.ts [--runs N]
//
// Prints the median per body and the ratio to the baseline.

import { parseArgs } from 'node:util';
import { parseJsonBody } from '../src/lib/json-body.ts';
import { safeField } from '../src/lib/safe-text.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '9' } } });
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs: expected a positive integer, got ${values.runs}`);

function body(bytes: number): Buffer {
  const items: unknown[] = [];
  let size = 2;
  for (let i = 0; size < bytes; i++) {
    const item = { role: i % 2 === 0 ? 'user' : 'assistant', content: `message ${i} with some text — ünïcode and "quotes"`, tokens: i * 3.5, tags: ['a', 'b'] };
    items.push(item);
    size += JSON.stringify(item).length + 1;
  }
  return Buffer.from(JSON.stringify({ model: 'm', messages: items }));
}

function median(fn: () => unknown): number {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    fn();
    samples.push(performance.now() - start);
  }
  return samples.sort((a, b) => a - b)[Math.floor(samples.length / 2)]!;
}

const wide = Buffer.from(JSON.stringify(Object.fromEntries(Array.from({ length: 200_000 }, (_, i) => [`k${i}`, i]))));
const cases: Array<[string, Buffer]> = [['1 MiB request', body(1 << 20)], ['16 MiB request', body(16 << 20)], [`200k members (${(wide.length / 1048576).toFixed(1)} MiB)`, wide]];

console.log(`runs per figure: ${runs} (median)`);
console.log('| body | JSON.parse | parseJsonBody | ratio |');
console.log('|---|---|---|---|');
for (const [name, bytes] of cases) {
  const base = median(() => JSON.parse(bytes.toString('utf8')));
  const strict = median(() => parseJsonBody(bytes, { maxDepth: 64 }));
  console.log(`| ${name} | ${base.toFixed(1)} ms | ${strict.toFixed(1)} ms | ${(strict / base).toFixed(2)}x |`);
}

const clean = 'plain text of a target /work/a/b.txt '.repeat(30_000);
const hostile = 'x\x1b[2J\u202e\n'.repeat(200_000);
console.log('| text (escaper) | copy | safeField | ratio |');
console.log('|---|---|---|---|');
for (const [name, text] of [[`${(clean.length / 1048576).toFixed(1)} Mi chars, nothing to escape`, clean], [`${(hostile.length / 1048576).toFixed(1)} Mi chars, 60% to escape`, hostile]] as const) {
  const base = median(() => Buffer.from(text, 'utf8').toString('utf8'));
  const safe = median(() => safeField(text));
  console.log(`| ${name} | ${base.toFixed(1)} ms | ${safe.toFixed(1)} ms | ${(safe / base).toFixed(2)}x |`);
}
