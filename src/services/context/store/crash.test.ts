// Crash safety (docs/memory.md "Crash safety"): a process writing memories is
// killed with SIGKILL mid-stream; every put it acknowledged (its id printed
// after put returned) is there after reopening, and the file is intact.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { createContextStore } from './context-store.ts';

const root = mkdtempSync(join(tmpdir(), 'octant-memory-crash-'));
after(() => rmSync(root, { recursive: true, force: true }));

test('kill -9 during writes loses nothing acknowledged', async () => {
  const dir = join(root, 'store');
  const child = spawn(process.execPath, [join(import.meta.dirname, 'fixtures', 'crash-writer.ts'), dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  const acknowledged: string[] = [];
  let buffered = '';
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  await new Promise<void>((resolve) => {
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      acknowledged.push(...lines);
      // Killed while it keeps writing: the next put is in flight.
      if (acknowledged.length >= 300 && child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        resolve();
      }
    });
  });
  assert.equal(await exited, 'SIGKILL');
  const check = new DatabaseSync(join(dir, 'writer.sqlite'));
  assert.equal(check.prepare('PRAGMA integrity_check').get()?.integrity_check, 'ok');
  check.close();
  const store = createContextStore({ dir });
  const missing = acknowledged.filter((id) => store.get('writer', id) === undefined);
  assert.deepEqual(missing, [], `${missing.length} of ${acknowledged.length} acknowledged puts lost`);
  assert.ok(store.stats('writer').memories >= acknowledged.length);
  // The file keeps working: the bi-temporal state of a key is whole (one believed open version).
  assert.equal(store.history('writer', 'k0').filter((m) => m.supersededAt === undefined && m.validTo === undefined).length, 1);
  await store.close();
});
