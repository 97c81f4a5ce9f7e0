import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { transcriptWriter } from './port.ts';

test('the transcript is redacted and capped, with one line saying where it stopped', () => {
  const dir = mkdtempSync(join(tmpdir(), 'octant-transcript-'));
  const file = join(dir, 'transcript.jsonl');
  const write = transcriptWriter(file, (t) => t.replaceAll('hunter2', '[REDACTED]'), 200);
  write({ type: 'task', text: 'password hunter2' });
  for (let i = 0; i < 50; i++) write({ type: 'tool', n: i, padding: 'x'.repeat(20) });
  const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.equal(lines[0].text, 'password [REDACTED]');
  assert.equal(lines.at(-1)!.type, 'truncated');
  assert.equal(lines.filter((l) => l.type === 'truncated').length, 1);
  assert.ok(readFileSync(file).length < 400, 'the file stays near its cap');
  rmSync(dir, { recursive: true, force: true });
});
