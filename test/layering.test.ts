// The five layers import only downward (ARCHITECTURE.md). This test reads
// every source file's relative imports and fails on one that points up.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const src = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'src');
// Higher number = higher layer. lib and utils know nothing of the project.
const RANK: Record<string, number> = { lib: 0, utils: 1, kernel: 2, runtime: 3, services: 4, agent: 5, operator: 6 };

function layerOf(file: string): string {
  const top = relative(src, file).split('/')[0];
  return top in RANK ? top : 'entry';
}

function* sources(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sources(path);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) yield path;
  }
}

test('imports only point down the layers', () => {
  const violations: string[] = [];
  for (const file of sources(src)) {
    const from = layerOf(file);
    if (from === 'entry') continue;
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/(?:import|export)[^'"]*?from\s+['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g)) {
      const target = resolve(dirname(file), match[1] ?? match[2]);
      const to = layerOf(target);
      if (to === 'entry' ? true : RANK[to] > RANK[from]) violations.push(`${relative(src, file)} -> ${relative(src, target)}`);
    }
  }
  assert.deepEqual(violations, []);
});

test('a service never imports another service\'s internals', () => {
  const violations: string[] = [];
  for (const file of sources(join(src, 'services'))) {
    const own = relative(join(src, 'services'), file).split('/')[0];
    for (const match of readFileSync(file, 'utf8').matchAll(/from\s+['"](\.[^'"]+)['"]/g)) {
      const target = relative(join(src, 'services'), resolve(dirname(file), match[1]));
      const [other, ...rest] = target.split('/');
      if (!other.startsWith('..') && other !== own && !(rest.length === 1 && (rest[0] === 'index.ts' || rest[0] === 'types.ts'))) {
        violations.push(`${relative(src, file)} -> services/${target}`);
      }
    }
  }
  assert.deepEqual(violations, []);
});
