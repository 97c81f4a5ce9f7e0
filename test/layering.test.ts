// The five layers import only downward (ARCHITECTURE.md). This test reads
// every source file's relative imports and fails on one that points up.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const src = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'src');
// Higher number = higher layer. lib and utils know nothing of the project.
const RANK: Record<string, number> = { lib: 0, utils: 1, kernel: 2, runtime: 3, services: 4, agent: 5, operator: 6 };

/** A relative import or re-export (`from './x.ts'`) or dynamic import (`import('./x.ts')`): the path in group 1 or 2. */
const IMPORT = /(?:import|export)[^'"]*?from\s+['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g;

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
    for (const match of text.matchAll(IMPORT)) {
      const target = resolve(dirname(file), match[1] ?? match[2]);
      const to = layerOf(target);
      if (to === 'entry' ? true : RANK[to] > RANK[from]) violations.push(`${relative(src, file)} -> ${relative(src, target)}`);
    }
  }
  assert.deepEqual(violations, []);
});

// A service's public API is one file: services/<name>/api.ts. Nothing
// outside the service imports any other file of its folder, from any layer
// (operator, agent, another service) and from tests, with two exceptions:
// the service's own tests (beside its code, or under test/ named after it:
// test/integration/ledger-executable.test.ts), and `testing/` (test doubles
// the service offers to tests, such as the one in-memory ledger), which only
// tests may import. bench/ measures a service's parts and is not checked.
const repo = resolve(src, '..');

function isTest(file: string): boolean {
  return file.endsWith('.test.ts') || relative(repo, file).split('/')[0] === 'test';
}

/** The service a file belongs to: its folder under src/services, or for a test under test/, the service it is named after. */
function ownerOf(file: string, services: ReadonlySet<string>): string | undefined {
  const [top, layer, name] = relative(repo, file).split('/');
  if (top === 'src' && layer === 'services') return name;
  if (top === 'test') {
    const prefix = basename(file).split(/[-.]/)[0];
    return services.has(prefix) ? prefix : undefined;
  }
  return undefined;
}

/** Why `file` may not import `target`, or undefined if it may. */
export function boundaryViolation(file: string, target: string, services: ReadonlySet<string>): string | undefined {
  const [top, layer, service, ...rest] = relative(repo, target).split('/');
  if (top !== 'src' || layer !== 'services' || rest.length === 0) return undefined;
  if (ownerOf(file, services) === service) return undefined;
  const inside = rest.join('/');
  if (inside === 'api.ts') return undefined;
  if (rest[0] === 'testing' && isTest(file)) return undefined;
  return `${relative(repo, file)} -> src/services/${service}/${inside} (import src/services/${service}/api.ts${rest[0] === 'testing' ? '; testing/ is for tests' : ''})`;
}

function serviceNames(): Set<string> {
  return new Set(readdirSync(join(src, 'services'), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name));
}

function* everyFile(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* everyFile(path);
    else if (entry.name.endsWith('.ts')) yield path;
  }
}

test('nothing outside a service imports its internals: only its api.ts (tests also its testing/)', () => {
  const services = serviceNames();
  const violations: string[] = [];
  for (const file of [...everyFile(src), ...everyFile(join(repo, 'test'))]) {
    for (const match of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const why = boundaryViolation(file, resolve(dirname(file), match[1] ?? match[2]), services);
      if (why !== undefined) violations.push(why);
    }
  }
  assert.deepEqual(violations, []);
});

test('the service boundary rule refuses an internal import from every layer, and lets the twin through', () => {
  const services = new Set(['ledger', 'router', 'vault']);
  const at = (path: string): string => join(repo, path);
  const refused = (file: string, target: string): boolean => boundaryViolation(at(file), at(target), services) !== undefined;
  // Refused: internals reached from the operator, the agent layer, another service, a test of another layer.
  assert.ok(refused('src/operator/cli/ledger.ts', 'src/services/ledger/read.ts'));
  assert.ok(refused('src/agent/lifecycle/compose.ts', 'src/services/vault/types.ts'));
  assert.ok(refused('src/services/router/index.ts', 'src/services/ledger/store.ts'));
  assert.ok(refused('src/services/router/service.test.ts', 'src/services/vault/vault.ts'));
  assert.ok(refused('test/integration/agent-runtime.test.ts', 'src/services/ledger/read.ts'));
  // testing/ is for tests only.
  assert.ok(refused('src/operator/cli/router.ts', 'src/services/ledger/testing/memory-ledger.ts'));
  // The twins: api.ts from anywhere; a service's own files and tests; testing/ from a test.
  assert.ok(!refused('src/operator/cli/ledger.ts', 'src/services/ledger/api.ts'));
  assert.ok(!refused('src/agent/lifecycle/compose.ts', 'src/services/vault/api.ts'));
  assert.ok(!refused('src/services/router/index.ts', 'src/services/ledger/api.ts'));
  assert.ok(!refused('src/services/ledger/index.ts', 'src/services/ledger/store.ts'));
  assert.ok(!refused('test/integration/ledger-executable.test.ts', 'src/services/ledger/store.ts'));
  assert.ok(!refused('src/services/vault/vault.test.ts', 'src/services/ledger/testing/memory-ledger.ts'));
  // And the scan finds such an import in a file's text (dynamic imports and re-exports included).
  const found = (text: string): string[] => [...text.matchAll(IMPORT)].map((m) => m[1] ?? m[2]);
  assert.deepEqual(found("import { readLedger } from '../../services/ledger/read.ts';\nexport { x } from './y.ts';\nawait import('../z.ts');"), ['../../services/ledger/read.ts', './y.ts', '../z.ts']);
});
