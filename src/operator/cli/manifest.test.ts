// octant manifest and octant keys end to end through main(): a temporary
// state root, real files, real keys.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '../../main.ts';

const examples = new URL('../../../examples/manifests/', import.meta.url).pathname;

async function run(root: string, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c) => { out += c; });
  stderr.on('data', (c) => { err += c; });
  const code = await main(['node', 'octant', '--root', root, ...args], { stdin: new PassThrough(), stdout, stderr, cwd: root, env: {} });
  return { code, out, err };
}

test('keys generate, manifest sign, verify, validate; revoke makes verify fail', async () => {
  const root = mkdtempSync(join(tmpdir(), 'octant-cli-manifest-'));
  try {
    const gen = await run(root, 'keys', 'generate', '--name', 'alice');
    assert.equal(gen.code, 0, gen.err);
    const key = join(root, 'etc/keys/private/alice.key');
    assert.equal(statSync(key).mode & 0o777, 0o600);
    assert.equal((await run(root, 'manifest', 'sign', join(examples, 'coder.yaml'), '--key', key, '--out', 'coder.json')).code, 0);
    const verify = await run(root, 'manifest', 'verify', 'coder.json');
    assert.equal(verify.code, 0, verify.err);
    assert.match(verify.out, /verified: coder signed by [0-9a-f]{16} \(alice\)/);
    assert.match((await run(root, 'manifest', 'validate', 'coder.json')).out, /signature by/);
    const list = await run(root, 'keys', 'list', '--json');
    assert.equal(JSON.parse(list.out).length, 1);

    const signed = JSON.parse(readFileSync(join(root, 'coder.json'), 'utf8'));
    signed.manifest.credentials.push('stolen');
    writeFileSync(join(root, 'tampered.json'), JSON.stringify(signed));
    const tampered = await run(root, 'manifest', 'verify', 'tampered.json');
    assert.equal(tampered.code, 4);
    assert.match(tampered.err, /E_MANIFEST_SIGNATURE/);

    assert.equal((await run(root, 'keys', 'revoke', 'alice')).code, 0);
    const revoked = await run(root, 'manifest', 'verify', 'coder.json');
    assert.equal(revoked.code, 4);
    assert.match(revoked.err, /revoked/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('new, explain, diff, intersect; bad input is a clear error', async () => {
  const root = mkdtempSync(join(tmpdir(), 'octant-cli-manifest-'));
  try {
    assert.equal((await run(root, 'manifest', 'new', '--name', 'helper', '--out', 'helper.yaml')).code, 0);
    const explained = await run(root, 'manifest', 'explain', 'helper.yaml');
    assert.match(explained.out, /use the network at all/);
    assert.match(explained.out, /Operator approval is needed before: every action/);
    const diff = await run(root, 'manifest', 'diff', join(examples, 'coder.yaml'), join(examples, 'web-agent.yaml'));
    assert.equal(diff.code, 1);
    assert.match(diff.out, /\+ network\.destinations: https:\/\/api\.weather\.example:443/);
    assert.equal((await run(root, 'manifest', 'diff', 'helper.yaml', 'helper.yaml')).code, 0);
    const both = await run(root, 'manifest', 'intersect', join(examples, 'coder.yaml'), join(examples, 'web-agent.yaml'), '--json');
    const effective = JSON.parse(both.out);
    assert.deepEqual(effective.network.destinations, []);
    assert.deepEqual(effective.filesystem.write, ['/workspace']);
    assert.deepEqual(effective.credentials, []);

    writeFileSync(join(root, 'bad.yaml'), readFileSync(join(root, 'helper.yaml'), 'utf8').replace('read: []', 'read: [/data/../etc]'));
    const bad = await run(root, 'manifest', 'validate', 'bad.yaml');
    assert.equal(bad.code, 1);
    assert.match(bad.err, /E_MANIFEST_SCHEMA.*filesystem\.read\[0\]/);
    assert.equal((await run(root, 'manifest', 'sign', 'helper.yaml')).code, 2, 'sign without --key is a usage error');
    assert.equal((await run(root, 'manifest', 'frobnicate')).code, 2);
    const denied = await run(root, 'manifest', 'new', '--name', 'Bad Name');
    assert.equal(denied.code, 1);
    assert.match(denied.err, /identity\.name/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
