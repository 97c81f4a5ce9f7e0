// The `memory` domain: absent means no memory; present it is normalised
// (empty parts left out, so existing manifests keep their digest); each
// refusal names its field; under a parent it only narrows, and a child reads
// its parent's memory only when the parent shares it with that child.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalJson } from '../../lib/canonical-json.ts';
import { explain as explainManifest } from './explain.ts';
import { intersect } from './intersect.ts';
import { validateSchema, type Manifest } from './schema.ts';

function manifest(name: string, memory?: unknown): Manifest {
  return validateSchema({
    version: 1,
    identity: { name, operator: 'op' },
    resources: { cpu: 1, memory: '64MiB', ioBandwidth: '1MiB/s', pids: 8, networkThroughput: '1MiB/s' },
    lifetime: { ttl: '1h' },
    ...(memory === undefined ? {} : { memory }),
  });
}

function refused(memory: unknown, field: string): void {
  assert.throws(() => manifest('a', memory), (e: { code: string; message: string }) => {
    assert.equal(e.code, 'E_MANIFEST_SCHEMA');
    assert.ok(e.message.startsWith(`${field}:`), `expected the message to name ${field}: ${e.message}`);
    return true;
  });
}

test('absent memory stays absent (the digest of a manifest without it is unchanged); present, empty parts are left out', () => {
  const none = manifest('a');
  assert.equal('memory' in none, false);
  assert.equal(canonicalJson(none).includes('"memory":{'), false);
  assert.deepEqual(manifest('a', {}).memory, {});
  assert.deepEqual(manifest('a', null).memory, {}, 'a bare `memory:` line turns memory on');
  assert.deepEqual(manifest('a', { read: [], shareWith: [], retention: {} }).memory, {});
  const full = manifest('a', { retention: { maxAge: '30d', maxCount: 500 }, shareWith: ['c', 'b', 'b'], read: ['d'], remoteEmbedder: 'openai-embed' });
  assert.deepEqual(full.memory, { retention: { maxAge: 30 * 86400, maxCount: 500 }, shareWith: ['b', 'c'], read: ['d'], remoteEmbedder: 'openai-embed' });
  assert.deepEqual(validateSchema(JSON.parse(JSON.stringify(full))), full, 'the normal form validates to itself');
  assert.deepEqual(manifest('a', { retention: { maxAge: 'unlimited' } }).memory, {}, 'unlimited is what leaving it out means');
});

test('refusals name the field; each has a twin that passes', () => {
  refused({ retention: { maxAge: 'forever' } }, 'memory.retention.maxAge');
  assert.ok(manifest('a', { retention: { maxAge: '1d' } }));
  refused({ retention: { maxCount: 0 } }, 'memory.retention.maxCount');
  assert.ok(manifest('a', { retention: { maxCount: 1 } }));
  refused({ retention: { maxItems: 3 } }, 'memory.retention.maxItems');
  refused({ shareWith: ['Not A Name'] }, 'memory.shareWith[0]');
  assert.ok(manifest('a', { shareWith: ['not-a-name'] }));
  refused({ read: 'b' }, 'memory.read');
  refused({ read: ['a'] }, 'memory.read');
  assert.ok(manifest('a', { read: ['b'] }));
  refused({ remoteEmbedder: 'has space' }, 'memory.remoteEmbedder');
  refused({ remoteEmbedder: 3 }, 'memory.remoteEmbedder');
  refused({ everything: true }, 'memory.everything');
  refused('yes', 'memory');
});

test('a child has memory only when its parent has; retention narrows to the stricter', () => {
  assert.equal(intersect(manifest('p'), manifest('c', {})).memory, undefined);
  assert.equal(intersect(manifest('p', {}), manifest('c')).memory, undefined);
  assert.deepEqual(intersect(manifest('p', {}), manifest('c', {})).memory, {});
  const r = intersect(manifest('p', { retention: { maxAge: '7d' } }), manifest('c', { retention: { maxAge: '30d', maxCount: 10 } })).memory;
  assert.deepEqual(r, { retention: { maxAge: 7 * 86400, maxCount: 10 } });
});

test('a child never reads its parent\'s memory unless the parent shares it with that child by name', () => {
  const asks = manifest('c', { read: ['p', 'x', 'y'] });
  // Not shared: the child asked, the parent did not grant.
  assert.deepEqual(intersect(manifest('p', { read: ['x'] }), asks).memory, { read: ['x'] });
  // Shared with another child only: still nothing of the parent's.
  assert.deepEqual(intersect(manifest('p', { read: ['x'], shareWith: ['other'] }), asks).memory, { read: ['x'] });
  // Shared with this child: granted.
  assert.deepEqual(intersect(manifest('p', { read: ['x'], shareWith: ['c'] }), asks).memory, { read: ['p', 'x'] });
  // The parent's grant alone does not make the child read what it did not ask for.
  assert.equal(intersect(manifest('p', { shareWith: ['c'] }), manifest('c', {})).memory?.read, undefined);
  // The child cannot read more than its parent may (y).
  assert.equal(intersect(manifest('p', { read: ['x'], shareWith: ['c'] }), asks).memory?.read?.includes('y'), false);
});

test('a child shares its memory only with its parent and those its parent shares with; a remote embedder only when both name it', () => {
  const m = intersect(manifest('p', { shareWith: ['b'] }), manifest('c', { shareWith: ['p', 'b', 'z'] })).memory;
  assert.deepEqual(m?.shareWith, ['b', 'p']);
  assert.equal(intersect(manifest('p', { remoteEmbedder: 'e1' }), manifest('c', { remoteEmbedder: 'e2' })).memory?.remoteEmbedder, undefined);
  assert.equal(intersect(manifest('p', {}), manifest('c', { remoteEmbedder: 'e1' })).memory?.remoteEmbedder, undefined);
  assert.equal(intersect(manifest('p', { remoteEmbedder: 'e1' }), manifest('c', { remoteEmbedder: 'e1' })).memory?.remoteEmbedder, 'e1');
  // The result is in normal form.
  const r = intersect(manifest('p', { shareWith: ['c', 'b'], read: ['x'], retention: { maxCount: 3 } }), manifest('c', { read: ['p', 'x'], shareWith: ['b'] }));
  assert.deepEqual(validateSchema(JSON.parse(JSON.stringify(r))), r);
});

test('explain says whether the agent remembers, whose memory it reads and whether memory leaves the machine', () => {
  assert.match(explainManifest(manifest('a')), /cannot:[\s\S]*remember anything across tasks/);
  const text = explainManifest(manifest('a', { read: ['b'], shareWith: ['c'], retention: { maxCount: 9 } }));
  assert.match(text, /remember facts and notes .*named a; kept at most 9 memories/);
  assert.match(text, /read the memory of b, each only if that agent's manifest shares it with a/);
  assert.match(text, /send its memory off this machine/);
});
