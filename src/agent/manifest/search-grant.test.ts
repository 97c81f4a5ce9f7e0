// The manifest's search domain: schema (each refusal names its field, each
// has a passing twin), the normal form (left out when empty: old digests
// unchanged), categories expanded, intersection as a lattice meet (child ⊆
// parent on random grants), ceilings (parent and role), explain and diff.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { prng } from '../../lib/seeded-random.ts';
import { ceilingOf, firstExcess } from './ceiling.ts';
import { diffManifests, formatChanges } from './diff.ts';
import { explain } from './explain.ts';
import { intersect } from './intersect.ts';
import { loadRoles } from './roles.ts';
import { validateSchema, type Manifest } from './schema.ts';
import { intersectSearch, readSearch, searchAllows, searchExcess, type SearchGrant } from './search-grant.ts';
import { manifestDigest } from './sign.ts';
import { checkParent, checkRole } from './validate.ts';

const BASE = {
  version: 1,
  identity: { name: 'a', operator: 'op' },
  resources: { cpu: 1, memory: '64MiB', ioBandwidth: '1MiB/s', pids: 8, networkThroughput: '1MiB/s' },
  lifetime: { ttl: '1h' },
};

const CATALOG = () => [
  { name: 'arxiv', category: 'science' as const },
  { name: 'openalex', category: 'science' as const },
  { name: 'wikipedia', category: 'knowledge' as const },
];

function manifest(search?: unknown): Manifest {
  return validateSchema({ ...structuredClone(BASE), ...(search === undefined ? {} : { search }) });
}

function refused(search: unknown, field: string, why: RegExp): void {
  assert.throws(() => manifest(search), (e: { code: string; message: string }) => {
    assert.equal(e.code, 'E_MANIFEST_SCHEMA');
    assert.ok(e.message.startsWith(`${field}:`), `expected ${field}: ${e.message}`);
    assert.match(e.message, why);
    return true;
  });
}

test('absent or empty means none, and stays out of the normal form: a manifest signed before it keeps its digest', () => {
  const plain = manifest();
  assert.equal(plain.search, undefined);
  for (const empty of [{}, { engines: [] }, { engines: [], indexes: [] }]) {
    const m = manifest(empty);
    assert.equal(m.search, undefined);
    assert.equal(manifestDigest(m), manifestDigest(plain));
  }
  // The twin: a grant is kept, and validating the normal form gives it back unchanged.
  const granted = manifest({ indexes: ['notes', 'man', 'notes'], engines: ['wikipedia'] });
  assert.deepEqual(granted.search, { engines: ['wikipedia'], indexes: ['man', 'notes'] });
  assert.deepEqual(validateSchema(JSON.parse(JSON.stringify(granted))), granted);
  assert.notEqual(manifestDigest(granted), manifestDigest(plain));
});

test('refusals name the field: unknown keys, bad names, unknown category, the ledger, wrong types', () => {
  refused({ engine: ['x'] }, 'search.engine', /unknown field/);
  refused({ engines: 'wikipedia' }, 'search.engines', /expected a list/);
  refused({ engines: ['ok', 'Not A Name'] }, 'search.engines[1]', /not an engine name/);
  refused({ engines: [7] }, 'search.engines[0]', /engine name/);
  refused({ engines: ['category:astrology'] }, 'search.engines[0]', /unknown category/);
  refused({ engines: ['category:ledger'] }, 'search.engines[0]', /operators only/);
  refused({ indexes: ['ledger'] }, 'search.indexes[0]', /operators only/);
  refused({ indexes: ['../etc'] }, 'search.indexes[0]', /index name/);
  refused([], 'search', /expected a mapping/);
  // Twins that pass.
  assert.deepEqual(manifest({ indexes: ['files:notes', 'ledger-notes'] }).search?.indexes, ['files:notes', 'ledger-notes']);
});

test('"*" absorbs names; a category expands to the engines of that category this executable carries', () => {
  assert.deepEqual(readSearch({ engines: ['arxiv', '*'], indexes: ['*', 'notes'] }, 'search', CATALOG), { engines: ['*'], indexes: ['*'] });
  assert.deepEqual(readSearch({ engines: ['category:science', 'wikipedia'] }, 'search', CATALOG), { engines: ['arxiv', 'openalex', 'wikipedia'], indexes: [] });
  // A category with no engine here grants nothing; the domain is left out.
  assert.equal(readSearch({ engines: ['category:maps'] }, 'search', CATALOG), undefined);
});

function randomGrant(next: () => number): SearchGrant | undefined {
  const pick = (pool: string[]): string[] => pool.filter(() => next() < 0.4);
  const engines = next() < 0.15 ? ['*'] : pick(['arxiv', 'npm', 'wikipedia', 'github']).sort();
  const indexes = next() < 0.15 ? ['*'] : pick(['man', 'notes', 'docs']).sort();
  return engines.length + indexes.length === 0 ? undefined : { engines, indexes };
}

test('intersection on random grants: within both sides, idempotent, commutative, associative', () => {
  const next = prng(18);
  for (let i = 0; i < 500; i++) {
    const [a, b, c] = [randomGrant(next), randomGrant(next), randomGrant(next)];
    const ab = intersectSearch(a, b);
    assert.equal(searchExcess(ab, a), undefined, `${JSON.stringify(ab)} within ${JSON.stringify(a)}`);
    assert.equal(searchExcess(ab, b), undefined);
    assert.deepEqual(intersectSearch(a, a), a);
    assert.deepEqual(ab, intersectSearch(b, a));
    assert.deepEqual(intersectSearch(ab, c), intersectSearch(a, intersectSearch(b, c)));
    // Whatever the intersection allows, both sides allow.
    for (const name of ['arxiv', 'npm', 'wikipedia', 'github', 'zzz']) {
      if (searchAllows(ab, 'remote', name)) assert.ok(searchAllows(a, 'remote', name) && searchAllows(b, 'remote', name));
    }
  }
});

test('a child asking for an engine or index its parent lacks is refused naming it; narrowed by intersection when spawned', () => {
  const parent = manifest({ engines: ['wikipedia'], indexes: ['*'] });
  const child = manifest({ engines: ['wikipedia', 'arxiv'], indexes: ['notes'] });
  assert.throws(() => checkParent(child, parent), (e: { code: string; message: string }) => e.code === 'E_MANIFEST_PARENT' && /^search\.engines\[0\]: arxiv exceeds/.test(e.message));
  assert.deepEqual(intersect(parent, child).search, { engines: ['wikipedia'], indexes: ['notes'] });
  // A parent without search: the child's search is refused, and intersects to nothing.
  assert.equal(firstExcess(child, ceilingOf(manifest()), false)?.field, 'search.engines[0]');
  assert.equal(intersect(manifest(), child).search, undefined);
  // The twin: a child within its parent passes.
  assert.doesNotThrow(() => checkParent(manifest({ indexes: ['notes'] }), parent));
});

test('role ceilings: the built-in roles allow search; a role without it allows none', () => {
  const roles = loadRoles();
  const asked = validateSchema({ ...structuredClone(BASE), identity: { name: 'a', operator: 'op', role: 'researcher' }, search: { engines: ['*'], indexes: ['notes'] } });
  assert.doesNotThrow(() => checkRole(asked, roles));
  const bare = loadRoles({ roles: [{ name: 'researcher', comment: 'no search', ceiling: { filesystem: {}, network: {}, syscalls: [], processes: {}, credentials: [], skills: [], resources: { cpu: 1, memory: '64MiB', ioBandwidth: '1MiB/s', pids: 8, networkThroughput: '1MiB/s' }, spawning: { allowed: false }, lifetime: { maxTtl: '1d', unlimited: false } } }] });
  assert.throws(() => checkRole(asked, bare), (e: { code: string; message: string }) => e.code === 'E_MANIFEST_ROLE' && /^search\.engines\[0\]/.test(e.message));
});

test('explain says what it can search and that remote engines need their hosts; diff shows the change', () => {
  const none = explain(manifest());
  assert.match(none, /cannot:[\s\S]*search any local index/);
  assert.match(none, /send a search query to any remote engine/);
  const some = explain(manifest({ engines: ['wikipedia'], indexes: ['notes'] }));
  assert.match(some, /search the local indexes: notes/);
  assert.match(some, /query the remote search engines wikipedia, through its egress proxy and only where network\.destinations allows/);
  const changes = formatChanges(diffManifests(manifest(), manifest({ indexes: ['notes'] })));
  assert.equal(changes, '+ search.indexes: notes');
});
