// Intersection algebra on 1,500 seeded random manifests, and the edge cases
// of path and destination containment one by one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ceilingOf, firstExcess } from './ceiling.ts';
import { intersectDestinations, readDestination } from './destination.ts';
import { prng, randomManifest } from './fixtures/random-manifest.ts';
import { intersect, intersectChildren } from './intersect.ts';
import { intersectPaths } from './path-set.ts';
import { childrenOf, retainOf, validateSchema, type Children, type Manifest } from './schema.ts';

const RUNS = 1500;

/** Everything but the identity, which is always the child's. */
function permissions(m: Manifest): Omit<Manifest, 'identity'> {
  const { identity: _identity, ...rest } = m;
  return rest;
}

/** How long children may outlive their parent under a policy. */
function outlives(c: Children): number {
  return c.policy === 'terminate' ? 0 : c.policy === 'wind-down' ? c.graceSeconds : Infinity;
}

/** m fits within c: no permission beyond it, no limit above it, at least its approvals. */
function within(m: Manifest, c: Manifest): boolean {
  if (firstExcess(m, ceilingOf(c), true) !== undefined) return false;
  if (outlives(childrenOf(m)) > outlives(childrenOf(c))) return false;
  if (retainOf(m).some((p) => !retainOf(c).some((q) => p === q || p.startsWith(`${q}/`)))) return false;
  return c.governance.critical.every((a) => m.governance.critical.includes(a) || m.governance.critical.includes('*'));
}

test('the result is within both inputs', () => {
  const rand = prng(1);
  for (let i = 0; i < RUNS; i++) {
    const a = randomManifest(rand);
    const b = randomManifest(rand);
    const r = intersect(a, b);
    assert.ok(within(r, a), `run ${i}: result exceeds parent`);
    assert.ok(within(r, b), `run ${i}: result exceeds child`);
  }
});

test('intersect(m, m) = m and is idempotent', () => {
  const rand = prng(2);
  for (let i = 0; i < RUNS; i++) {
    const m = randomManifest(rand);
    assert.deepEqual(intersect(m, m), m, `run ${i}`);
    const r = intersect(m, randomManifest(rand));
    assert.deepEqual(intersect(r, r), r);
  }
});

test('intersection is commutative (identity aside) and associative', () => {
  const rand = prng(3);
  for (let i = 0; i < RUNS; i++) {
    const a = randomManifest(rand, 'a');
    const b = randomManifest(rand, 'b');
    const c = randomManifest(rand, 'c');
    assert.deepEqual(permissions(intersect(a, b)), permissions(intersect(b, a)), `run ${i}: commutative`);
    assert.deepEqual(intersect(intersect(a, b), c), intersect(a, intersect(b, c)), `run ${i}: associative`);
  }
});

test('the result is in normal form: validating it again changes nothing', () => {
  const rand = prng(4);
  for (let i = 0; i < 300; i++) {
    const r = intersect(randomManifest(rand), randomManifest(rand));
    assert.deepEqual(validateSchema(JSON.parse(JSON.stringify(r))), r);
  }
});

test('paths intersect by containment: the inner path of a nested pair, nothing for siblings', () => {
  assert.deepEqual(intersectPaths(['/data'], ['/data/a/b']), ['/data/a/b']);
  assert.deepEqual(intersectPaths(['/data/a'], ['/data']), ['/data/a']);
  assert.deepEqual(intersectPaths(['/data'], ['/database']), [], 'a prefix that is not a parent directory is not containment');
  assert.deepEqual(intersectPaths(['/'], ['/etc', '/usr']), ['/etc', '/usr']);
  assert.deepEqual(intersectPaths(['/a', '/b'], []), []);
});

test('destinations intersect by host, port range and protocol', () => {
  const d = (host: string, ports: unknown, protocol: string) => readDestination({ host, ports, protocol }, 'd');
  assert.deepEqual(intersectDestinations([d('*.example.com', '1-1000', 'tcp')], [d('api.example.com', 443, 'https')]), [d('api.example.com', 443, 'https')]);
  assert.deepEqual(intersectDestinations([d('*.example.com', 443, 'tcp')], [d('example.com', 443, 'tcp')]), [], 'the wildcard does not cover the apex');
  assert.deepEqual(intersectDestinations([d('example.com', 443, 'https')], [d('example.com', 443, 'tcp')]), [d('example.com', 443, 'https')], 'https is within tcp');
  assert.deepEqual(intersectDestinations([d('example.com', 443, 'https')], [d('example.com', 443, 'http')]), []);
  assert.deepEqual(intersectDestinations([d('example.com', 53, 'udp')], [d('example.com', 53, 'tcp')]), [], 'udp is not tcp');
  assert.deepEqual(intersectDestinations([d('10.0.0.0/8', '8000-9000', 'tcp')], [d('10.1.2.3', '8080-10000', 'tcp')]), [d('10.1.2.3/32', '8080-9000', 'tcp')]);
  assert.deepEqual(intersectDestinations([d('10.0.0.0/8', 80, 'tcp')], [d('11.0.0.0/8', 80, 'tcp')]), []);
  assert.deepEqual(intersectDestinations([d('2001:db8::/32', 443, 'tcp')], [d('2001:db8:0:1::/64', 443, 'tcp')]), [d('2001:db8:0:1::/64', 443, 'tcp')]);
  assert.deepEqual(intersectDestinations([d('::/0', 443, 'tcp')], [d('10.0.0.0/8', 443, 'tcp')]), [], 'IPv6 blocks never contain IPv4 ones');
  assert.deepEqual(intersectDestinations([d('10.0.0.0/8', 443, 'tcp')], [d('example.com', 443, 'tcp')]), [], 'names and addresses are disjoint');
  assert.deepEqual(intersectDestinations([d('*', 443, 'tcp')], [d('10.0.0.0/8', 443, 'tcp')]), [d('10.0.0.0/8', 443, 'tcp')]);
});

test('numbers by minimum, booleans by AND, TTL capped by the parent\'s remaining life, approvals by union', () => {
  const rand = prng(5);
  const a: Manifest = { ...randomManifest(rand), lifetime: { ttl: 3600, onExpiry: 'graceful' }, spawning: { allowed: true, maxDepth: 3, maxDescendants: 10 }, governance: { critical: ['exec'] } };
  const b: Manifest = { ...randomManifest(rand), lifetime: { ttl: 'unlimited', onExpiry: 'graceful' }, spawning: { allowed: true, maxDepth: 1, maxDescendants: 20 }, governance: { critical: ['fs.write'] } };
  const r = intersect(a, b);
  assert.equal(r.lifetime.ttl, 3600);
  assert.equal(r.resources.memory, Math.min(a.resources.memory, b.resources.memory));
  assert.deepEqual(r.spawning, { allowed: true, maxDepth: 1, maxDescendants: 10 });
  assert.deepEqual(r.governance.critical, ['exec', 'fs.write']);
  assert.equal(intersect(a, b, { parentRemainingSeconds: 120 }).lifetime.ttl, 120);
  assert.equal(intersect(b, b, { parentRemainingSeconds: null }).lifetime.ttl, 'unlimited');
  const noSpawn = intersect(a, { ...b, spawning: { allowed: false, maxDepth: 0, maxDescendants: 0 } });
  assert.deepEqual(noSpawn.spawning, { allowed: false, maxDepth: 0, maxDescendants: 0 });
});

test('children policy: the stricter of both; between two wind-downs the shorter grace', () => {
  const terminate: Children = { policy: 'terminate' };
  const adopt: Children = { policy: 'adopt' };
  const wind = (graceSeconds: number): Children => ({ policy: 'wind-down', graceSeconds });
  assert.deepEqual(intersectChildren(adopt, terminate), terminate);
  assert.deepEqual(intersectChildren(adopt, wind(30)), wind(30));
  assert.deepEqual(intersectChildren(wind(300), wind(30)), wind(30));
  assert.deepEqual(intersectChildren(adopt, adopt), adopt);
  const rand = prng(11);
  const parent = { ...randomManifest(rand), lifetime: { ttl: 3600, onExpiry: 'terminate' as const, children: wind(10) } };
  const child = { ...randomManifest(rand), lifetime: { ttl: 3600, onExpiry: 'terminate' as const, children: adopt } };
  assert.deepEqual(intersect(parent, child).lifetime.children, wind(10));
  // A parent with the default (terminate) leaves the default: the field stays absent.
  const { children: _c, ...plain } = parent.lifetime;
  assert.equal(intersect({ ...parent, lifetime: plain }, child).lifetime.children, undefined);
});

test('retain: by containment; nothing in common leaves the field out', () => {
  const rand = prng(12);
  const base = randomManifest(rand);
  const r = intersect({ ...base, retain: ['out', 'logs/a'] }, { ...base, retain: ['out/report.md', 'logs', 'other'] });
  assert.deepEqual(r.retain, ['logs/a', 'out/report.md']);
  const { retain: _r, ...none } = base;
  assert.equal(intersect(none, { ...base, retain: ['out'] }).retain, undefined);
});

test('governance.quorum: a child gets the stricter of its own and its parent\'s rules, per action class', () => {
  const rand = prng(9);
  const parent: Manifest = { ...randomManifest(rand), governance: { critical: ['*'], quorum: { 'fs.write': { threshold: 'two-thirds', veto: 0.6 }, '*': { quorum: 2 } } } };
  const child: Manifest = { ...randomManifest(rand), governance: { critical: ['*'], quorum: { 'fs.write': { threshold: 'majority', veto: 0.9, escalateRisk: 0.5 } } } };
  assert.deepEqual(intersect(parent, child).governance.quorum, { '*': { quorum: 2 }, 'fs.write': { threshold: 'two-thirds', veto: 0.6, escalateRisk: 0.5 } });
  assert.deepEqual(intersect(parent, { ...child, governance: { critical: ['*'] } }).governance.quorum, parent.governance.quorum);
  assert.deepEqual(intersect({ ...parent, governance: { critical: [] } }, { ...child, governance: { ...child.governance, critical: [] } }).governance.quorum, child.governance.quorum);
});
