import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { command } from './identity.ts';
import { runCommand } from './dispatch.ts';
import { memoryIo } from '../../lib/memory-io.ts';
import { isOctantError } from '../../lib/errors.ts';
import { parseVerifierKey } from '../../services/ledger/api.ts';

async function identity(root: string, argv: string[] = ['--json']): Promise<Record<string, string>> {
  const mem = memoryIo();
  assert.equal(await runCommand(command, argv, { io: mem.io, rootFlag: root }), 0);
  return argv.includes('--json') ? JSON.parse(mem.stdout()) as Record<string, string> : { text: mem.stdout() };
}

test('identity creates an owner-only key on first use and returns the same fingerprint after', async () => {
  const root = mkdtempSync(join(tmpdir(), 'octant-identity-'));
  try {
    const first = await identity(root);
    assert.match(first.fingerprint, /^[0-9a-f]{64}$/);
    assert.equal(Buffer.from(first.publicKey, 'base64').length, 32);
    assert.ok(!Number.isNaN(Date.parse(first.createdAt)));
    assert.ok(first.hostname.length > 0 && first.machineId.length > 0);
    const keyFile = join(first.directory, 'machine.key');
    assert.equal(statSync(keyFile).mode & 0o777, 0o600);
    assert.equal(statSync(first.directory).mode & 0o077, 0);
    const second = await identity(root);
    assert.deepEqual(second, first);
    const text = (await identity(root, [])).text;
    assert.match(text, new RegExp(`^fingerprint  ${first.fingerprint}$`, 'm'));
    assert.match(text, /^created {6}\S+$/m);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a key file readable by group or others is refused; the owner-only twin is accepted', async () => {
  const root = mkdtempSync(join(tmpdir(), 'octant-identity-'));
  try {
    const { directory, fingerprint } = await identity(root);
    const keyFile = join(directory, 'machine.key');
    for (const mode of [0o640, 0o604, 0o644]) {
      chmodSync(keyFile, mode);
      await assert.rejects(identity(root), (e) => isOctantError(e, 'E_IDENTITY_KEY_MODE') && e.message.includes(keyFile) && e.hint === `chmod 600 ${keyFile}`);
    }
    chmodSync(keyFile, 0o600);
    assert.equal((await identity(root)).fingerprint, fingerprint);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('identity takes no positional argument and no unknown flag', async () => {
  await assert.rejects(identity('/nonexistent-never-created', ['extra']), (e) => isOctantError(e, 'E_USAGE') && e.exit === 2);
  await assert.rejects(identity('/nonexistent-never-created', ['--bogus']), (e) => isOctantError(e, 'E_USAGE') && e.exit === 2);
});

test('--verifier-key prints one line: the ledger key as verify --key parses it, matching the public key', async () => {
  const root = mkdtempSync(join(tmpdir(), 'octant-identity-'));
  try {
    const facts = await identity(root);
    const { text } = await identity(root, ['--verifier-key']);
    assert.match(text, /^octant\/[0-9a-f]{16}\/ledger\+[0-9a-f]{8}\+\S+\n$/);
    const key = parseVerifierKey(text.trim());
    assert.equal(key.publicKeyRaw.toString('base64'), facts.publicKey);
    assert.equal(key.name, `octant/${facts.fingerprint.slice(0, 16)}/ledger`);
    assert.equal(facts.ledgerVerifierKey, text.trim());
    assert.match((await identity(root, [])).text, new RegExp(`^ledger key   ${text.trim().replace(/[+/]/g, '\\$&')}$`, 'm'));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
