import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { followLog } from './log-follower.ts';

test('a followed log is written as it grows, escaped, with a character cut between writes kept whole', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'octant-follow-'));
  const file = join(dir, 'stdout.log');
  let out = '';
  const follower = followLog(file, (t) => { out += t; }, 10);
  await new Promise((r) => setTimeout(r, 30)); // the file does not exist yet
  appendFileSync(file, 'hello\n');
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(out, 'hello\n');
  const snow = Buffer.from('☃');
  appendFileSync(file, Buffer.concat([Buffer.from('\u001b[2Jcut '), snow.subarray(0, 1)]));
  await new Promise((r) => setTimeout(r, 50));
  appendFileSync(file, Buffer.concat([snow.subarray(1), Buffer.from('\n')]));
  follower.stop();
  assert.equal(out, 'hello\n\\x1b[2Jcut ☃\n');
  rmSync(dir, { recursive: true, force: true });
});
