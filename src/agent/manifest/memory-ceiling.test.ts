// memory.remoteExtractor (the manifest's grant to send memory text to a model
// for T4 extraction) and a role's ceiling on the memory domain: every
// refusal names its field and has a working twin.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalJson } from '../../lib/canonical-json.ts';
import { explain as explainManifest } from './explain.ts';
import { intersect } from './intersect.ts';
import { loadRoles } from './roles.ts';
import { validateSchema, type Manifest } from './schema.ts';
import { checkParent, checkRole } from './validate.ts';

function manifest(name: string, memory?: unknown, role?: string): Manifest {
  return validateSchema({
    version: 1,
    identity: { name, operator: 'op', ...(role === undefined ? {} : { role }) },
    resources: { cpu: 1, memory: '64MiB', ioBandwidth: '1MiB/s', pids: 8, networkThroughput: '1MiB/s' },
    lifetime: { ttl: '1h' },
    ...(memory === undefined ? {} : { memory }),
  });
}

/** One role, "r", whose ceiling allows everything but what `memory` says of memory (absent: the role has no memory key). */
function roles(memory?: unknown) {
  return loadRoles({
    roles: [{
      name: 'r',
      comment: 'test role',
      ceiling: {
        filesystem: { read: ['/'], write: ['/'] },
        network: { destinations: [] },
        syscalls: ['@base'],
        processes: { exec: [] },
        credentials: ['*'],
        skills: ['*'],
        resources: { cpu: 64, memory: '64GiB', ioBandwidth: '1GiB/s', pids: 65536, networkThroughput: '1GiB/s' },
        spawning: { allowed: true, maxDepth: 4, maxDescendants: 64 },
        lifetime: { maxTtl: '30d', unlimited: true },
        ...(memory === undefined ? {} : { memory }),
      },
    }],
  });
}

function refusedByRole(m: Manifest, ceiling: unknown, field: string): void {
  assert.throws(() => checkRole(m, roles(ceiling)), (e: { code: string; message: string; detail?: { field?: string } }) => {
    assert.equal(e.code, 'E_MANIFEST_ROLE');
    assert.equal(e.detail?.field, field, e.message);
    assert.ok(e.message.startsWith(`${field}:`), e.message);
    return true;
  });
}

test('memory.remoteExtractor: optional, left out when absent (digests keep), refused when malformed, kept by a child only when both name it', () => {
  assert.equal(canonicalJson(manifest('a', {})).includes('remoteExtractor'), false);
  const m = manifest('a', { remoteExtractor: 'gpt-extract' });
  assert.equal(m.memory?.remoteExtractor, 'gpt-extract');
  assert.deepEqual(validateSchema(JSON.parse(JSON.stringify(m))), m, 'the normal form validates to itself');
  for (const bad of ['has space', 3, '', '-leading']) {
    assert.throws(() => manifest('a', { remoteExtractor: bad }), (e: { code: string; message: string }) => e.code === 'E_MANIFEST_SCHEMA' && e.message.startsWith('memory.remoteExtractor:'));
  }
  assert.equal(intersect(manifest('p', { remoteExtractor: 'x1' }), manifest('c', { remoteExtractor: 'x2' })).memory?.remoteExtractor, undefined);
  assert.equal(intersect(manifest('p', {}), manifest('c', { remoteExtractor: 'x1' })).memory?.remoteExtractor, undefined);
  assert.equal(intersect(manifest('p', { remoteExtractor: 'x1' }), manifest('c', { remoteExtractor: 'x1' })).memory?.remoteExtractor, 'x1');
  assert.match(explainManifest(m), /send its memory's text to the router deployment gpt-extract to extract entities/);
  assert.match(explainManifest(manifest('a', {})), /cannot:[\s\S]*entity extraction/);
});

test('a role without memory allows none; a manifest without memory fits any role', () => {
  refusedByRole(manifest('a', {}, 'r'), undefined, 'memory');
  checkRole(manifest('a', undefined, 'r'), roles(undefined));
  checkRole(manifest('a', {}, 'r'), roles({}));
});

test('a role caps read and shareWith by agent name ("*": any)', () => {
  refusedByRole(manifest('a', { read: ['b', 'c'] }, 'r'), { read: ['b'] }, 'memory.read[1]');
  checkRole(manifest('a', { read: ['b'] }, 'r'), roles({ read: ['b'] }));
  checkRole(manifest('a', { read: ['b', 'c'] }, 'r'), roles({ read: ['*'] }));
  refusedByRole(manifest('a', { shareWith: ['b'] }, 'r'), { read: ['*'] }, 'memory.shareWith[0]');
  checkRole(manifest('a', { shareWith: ['b'] }, 'r'), roles({ shareWith: ['b', 'z'] }));
});

test('a role caps the deployments memory may be sent to: remoteEmbedder and remoteExtractor each', () => {
  refusedByRole(manifest('a', { remoteExtractor: 'x1' }, 'r'), { remoteEmbedder: ['x1'] }, 'memory.remoteExtractor');
  checkRole(manifest('a', { remoteExtractor: 'x1' }, 'r'), roles({ remoteExtractor: ['x1'] }));
  refusedByRole(manifest('a', { remoteEmbedder: 'e1' }, 'r'), { remoteEmbedder: ['e2'] }, 'memory.remoteEmbedder');
  checkRole(manifest('a', { remoteEmbedder: 'e1' }, 'r'), roles({ remoteEmbedder: ['*'] }));
});

test('a role caps retention: keeping longer or more than it allows, or forever, is refused', () => {
  const cap = { retention: { maxAge: '30d', maxCount: 100 } };
  refusedByRole(manifest('a', { retention: { maxAge: '31d', maxCount: 10 } }, 'r'), cap, 'memory.retention.maxAge');
  refusedByRole(manifest('a', { retention: { maxCount: 10 } }, 'r'), cap, 'memory.retention.maxAge');
  refusedByRole(manifest('a', { retention: { maxAge: '1d', maxCount: 101 } }, 'r'), cap, 'memory.retention.maxCount');
  refusedByRole(manifest('a', { retention: { maxAge: '1d' } }, 'r'), cap, 'memory.retention.maxCount');
  checkRole(manifest('a', { retention: { maxAge: '30d', maxCount: 100 } }, 'r'), roles(cap));
  checkRole(manifest('a', {}, 'r'), roles({ retention: {} }));
});

test('a malformed role ceiling names its field', () => {
  assert.throws(() => roles({ read: ['Bad Name'] }), /ceiling\.memory\.read\[0\]/);
  assert.throws(() => roles({ remoteExtractor: ['has space'] }), /ceiling\.memory\.remoteExtractor\[0\]/);
  assert.throws(() => roles({ everything: true }), /ceiling\.memory\.everything/);
});

test('the built-in roles allow memory and sharing but send memory nowhere', () => {
  const builtin = loadRoles();
  for (const role of ['researcher', 'coder', 'web', 'orchestrator']) {
    assert.equal(memoryFits(builtin, role, { read: ['b'], shareWith: ['c'] }), true, role);
    assert.equal(memoryFits(builtin, role, { remoteExtractor: 'x1' }), false, role);
    assert.equal(memoryFits(builtin, role, { remoteEmbedder: 'e1' }), false, role);
  }
});

function memoryFits(rs: ReturnType<typeof loadRoles>, role: string, memory: unknown): boolean {
  const ceiling = rs.get(role)!.ceiling;
  try {
    checkRole(manifest('a', memory, role), new Map([[role, { ...rs.get(role)!, ceiling: { ...ceiling, filesystem: { read: ['/'], write: ['/'] } } }]]));
    return true;
  } catch (e) {
    assert.match(String((e as Error).message), /^memory\./);
    return false;
  }
}

test('a parent\'s memory is no ceiling: a child\'s narrows by intersection instead (rule 4 does not refuse it)', () => {
  const parent = manifest('p', { read: ['x'] });
  checkParent(manifest('c', { read: ['p', 'y'], remoteExtractor: 'x1' }), parent);
});
