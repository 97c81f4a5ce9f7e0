import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isOctantError } from '../../lib/errors.ts';
import { memoryLedger } from '../ledger/testing/memory-ledger.ts';
import { Vault, type InitOptions } from './vault.ts';
import type { InjectionRule } from './types.ts';

const FAST_KDF = { passes: 1, memoryKiB: 1024, parallelism: 1 };
const RULE: InjectionRule = { kind: 'header', name: 'Authorization', format: 'Bearer {secret}', hosts: ['api.example.com', '127.0.0.1:8443'] };
const pass = (): Buffer => Buffer.from('correct horse battery staple');

async function setup(extra: Partial<InitOptions> = {}, now?: () => number) {
  const dir = mkdtempSync(join(tmpdir(), 'octant-vault-'));
  const ledger = memoryLedger();
  const file = join(dir, 'vault', 'vault.json');
  const { vault, shares } = await Vault.init({ file, ledger, now }, { passphrase: pass(), kdf: FAST_KDF, ...extra });
  return { dir, file, ledger, vault, shares, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

function code(c: string) {
  return (e: unknown) => isOctantError(e, c);
}

test('init, unseal, put, inject, seal', async () => {
  const { vault, ledger, cleanup, file } = await setup();
  try {
    assert.equal(vault.sealed(), true);
    await assert.rejects(vault.put('openai', Buffer.from('sk-value-123456'), RULE), code('E_VAULT_SEALED'));
    await vault.unseal({ passphrase: pass() });
    await vault.put('openai', Buffer.from('sk-value-123456'), RULE);
    await vault.grant('openai', 'agent:a1');
    const token = await vault.issueToken('a1', ['openai'], { ttlSeconds: 60 });
    const out = await vault.inject(token, 'openai', { url: 'https://api.example.com/v1/chat', headers: { accept: 'json', authorization: 'x' } });
    assert.deepEqual(out.headers, { accept: 'json', Authorization: 'Bearer sk-value-123456' });
    assert.equal(readFileSync(file, 'utf8').includes('sk-value-123456'), false);
    await vault.seal();
    assert.equal(vault.sealed(), true);
    await assert.rejects(vault.inject(token, 'openai', { url: 'https://api.example.com/', headers: {} }), code('E_VAULT_SEALED'));
    const actions = ledger.actions();
    assert.deepEqual(actions.slice(0, 6), [
      `vault.init:${file}:allow`, `vault.unseal:${file}:allow`, 'secret.put:openai:allow', 'secret.grant:openai:allow', 'token.issue:a1:allow', 'secret.inject:openai:allow',
    ]);
    assert.equal(JSON.stringify(ledger.entries).includes('sk-value-123456'), false);
  } finally {
    cleanup();
  }
});

test('a wrong passphrase is E_VAULT_PASSPHRASE and the right one works', async () => {
  const { vault, ledger, cleanup } = await setup();
  try {
    await assert.rejects(vault.unseal({ passphrase: Buffer.from('wrong') }), code('E_VAULT_PASSPHRASE'));
    assert.equal(vault.sealed(), true);
    assert.equal(ledger.entries.at(-1)!.decision, 'deny');
    await vault.unseal({ passphrase: pass() });
    assert.equal(vault.sealed(), false);
  } finally {
    cleanup();
  }
});

test('a corrupt file is E_VAULT_CORRUPT naming the field; a missing one E_VAULT_UNINITIALIZED', async () => {
  const { vault, file, cleanup } = await setup();
  try {
    const good = readFileSync(file, 'utf8');
    writeFileSync(file, good.slice(0, 50));
    await assert.rejects(vault.unseal({ passphrase: pass() }), (e) => code('E_VAULT_CORRUPT')(e) && /not valid JSON/.test((e as Error).message));
    const data = JSON.parse(good);
    data.kdf.salt = 'AAAA';
    writeFileSync(file, JSON.stringify(data));
    await assert.rejects(vault.unseal({ passphrase: pass() }), (e) => code('E_VAULT_CORRUPT')(e) && /kdf/.test((e as Error).message));
    rmSync(file);
    await assert.rejects(vault.unseal({ passphrase: pass() }), code('E_VAULT_UNINITIALIZED'));
  } finally {
    cleanup();
  }
});

test('a tampered ciphertext is E_VAULT_TAMPERED; the untampered twin reads', async () => {
  const { vault, file, cleanup } = await setup();
  try {
    await vault.unseal({ passphrase: pass() });
    await vault.put('good', Buffer.from('value-good-1'), RULE);
    await vault.put('bad', Buffer.from('value-bad-22'), RULE);
    await vault.seal();
    const data = JSON.parse(readFileSync(file, 'utf8'));
    const ct = Buffer.from(data.secrets.bad.versions[0].value.ct, 'base64');
    ct[0] ^= 1;
    data.secrets.bad.versions[0].value.ct = ct.toString('base64');
    writeFileSync(file, JSON.stringify(data));
    await vault.unseal({ passphrase: pass() });
    assert.equal((await vault.reveal('good', pass())).toString(), 'value-good-1');
    await assert.rejects(vault.reveal('bad', pass()), code('E_VAULT_TAMPERED'));
  } finally {
    cleanup();
  }
});

test('AAD binds a ciphertext to its name: moving it to another secret fails', async () => {
  const { vault, file, cleanup } = await setup();
  try {
    await vault.unseal({ passphrase: pass() });
    await vault.put('alpha', Buffer.from('alpha-value'), RULE);
    await vault.put('beta', Buffer.from('beta-value'), RULE);
    await vault.seal();
    const data = JSON.parse(readFileSync(file, 'utf8'));
    // Swap the ciphertexts (data key and value) but keep each record's metadata and MAC.
    const [a, b] = [data.secrets.alpha.versions[0], data.secrets.beta.versions[0]];
    [a.key, a.value, b.key, b.value] = [b.key, b.value, a.key, a.value];
    writeFileSync(file, JSON.stringify(data));
    await vault.unseal({ passphrase: pass() });
    await assert.rejects(vault.reveal('alpha', pass()), code('E_VAULT_TAMPERED'));
    await assert.rejects(vault.reveal('beta', pass()), code('E_VAULT_TAMPERED'));
  } finally {
    cleanup();
  }
});

test('a rule or grant edited in the file is caught at unseal (metadata MAC)', async () => {
  const { vault, file, cleanup } = await setup();
  try {
    await vault.unseal({ passphrase: pass() });
    await vault.put('key', Buffer.from('key-value-1'), RULE);
    await vault.seal();
    const good = readFileSync(file, 'utf8');
    const data = JSON.parse(good);
    data.secrets.key.rule.hosts.push('evil.example');
    writeFileSync(file, JSON.stringify(data));
    await assert.rejects(vault.unseal({ passphrase: pass() }), (e) => code('E_VAULT_TAMPERED')(e) && /'key'/.test((e as Error).message));
    data.secrets.key.rule.hosts.pop();
    data.secrets.key.grants.push('agent:intruder');
    writeFileSync(file, JSON.stringify(data));
    await assert.rejects(vault.unseal({ passphrase: pass() }), code('E_VAULT_TAMPERED'));
    writeFileSync(file, good);
    await vault.unseal({ passphrase: pass() });
  } finally {
    cleanup();
  }
});

test('token scope: missing and forbidden secrets give the identical E_VAULT_DENIED', async () => {
  const { vault, ledger, cleanup } = await setup();
  try {
    await vault.unseal({ passphrase: pass() });
    await vault.put('mine', Buffer.from('mine-value'), RULE);
    await vault.put('theirs', Buffer.from('theirs-value'), RULE);
    await vault.put('ungranted', Buffer.from('ungranted-value'), RULE);
    await vault.grant('mine', 'agent:a1');
    await vault.grant('theirs', 'agent:b2');
    await vault.grant('ungranted', 'agent:a1'); // granted by the vault, but not in a1's manifest
    const token = await vault.issueToken('a1', ['mine', 'theirs', 'ghost'], { ttlSeconds: 60 });
    const req = { url: 'https://api.example.com/', headers: {} };
    const messages: string[] = [];
    for (const name of ['theirs', 'ghost', 'ungranted', 'never-heard-of']) {
      await assert.rejects(vault.inject(token, name, req), (e) => {
        assert.ok(isOctantError(e, 'E_VAULT_DENIED'));
        messages.push(e.message.replace(`'${name}'`, "'X'"));
        return true;
      });
    }
    assert.equal(new Set(messages).size, 1, 'one message for every refusal');
    assert.equal((await vault.inject(token, 'mine', req)).headers.Authorization, 'Bearer mine-value');
    const denials = ledger.entries.filter((e) => e.decision === 'deny').map((e) => e.detail.reason);
    assert.deepEqual(denials, ['not granted', 'no such secret', 'not in token scope', 'not in token scope']);
  } finally {
    cleanup();
  }
});

test('grants to a manifest apply to tokens issued for that manifest', async () => {
  const { vault, cleanup } = await setup();
  try {
    await vault.unseal({ passphrase: pass() });
    await vault.put('shared', Buffer.from('shared-value'), RULE);
    await vault.grant('shared', 'manifest:researcher');
    const req = { url: 'https://api.example.com/', headers: {} };
    const yes = await vault.issueToken('a1', ['shared'], { ttlSeconds: 60, manifest: 'researcher' });
    const no = await vault.issueToken('a2', ['shared'], { ttlSeconds: 60, manifest: 'writer' });
    assert.equal((await vault.inject(yes, 'shared', req)).headers.Authorization, 'Bearer shared-value');
    await assert.rejects(vault.inject(no, 'shared', req), code('E_VAULT_DENIED'));
    await vault.revoke('shared', 'manifest:researcher');
    await assert.rejects(vault.inject(yes, 'shared', req), code('E_VAULT_DENIED'));
    await assert.rejects(vault.grant('shared', 'nobody'), code('E_VAULT_PRINCIPAL'));
  } finally {
    cleanup();
  }
});

test('TTL, use limit and revocation on termination', async () => {
  let clock = 1_000_000;
  const { vault, cleanup } = await setup({}, () => clock);
  try {
    await vault.unseal({ passphrase: pass() });
    await vault.put('k', Buffer.from('k-value-123'), RULE);
    await vault.grant('k', 'agent:a1');
    await vault.grant('k', 'agent:a2');
    const req = { url: 'https://api.example.com/', headers: {} };
    const t1 = await vault.issueToken('a1', ['k'], { ttlSeconds: 10 });
    await vault.inject(t1, 'k', req);
    clock += 9_999;
    await vault.inject(t1, 'k', req);
    clock += 1;
    await assert.rejects(vault.inject(t1, 'k', req), code('E_VAULT_TOKEN'));

    const t2 = await vault.issueToken('a2', ['k'], { ttlSeconds: 60, maxUses: 2 });
    await vault.inject(t2, 'k', req);
    await vault.inject(t2, 'k', req);
    await assert.rejects(vault.inject(t2, 'k', req), code('E_VAULT_TOKEN'));

    const t3 = await vault.issueToken('a1', ['k'], { ttlSeconds: 60 });
    const t4 = await vault.issueToken('a2', ['k'], { ttlSeconds: 60 });
    assert.equal(await vault.revokeAgent('a1'), 1);
    await assert.rejects(vault.inject(t3, 'k', req), code('E_VAULT_TOKEN'));
    await vault.inject(t4, 'k', req); // another agent's token survives
    await assert.rejects(vault.inject('ovt_forged', 'k', req), code('E_VAULT_TOKEN'));
    // One token per agent: a new one replaces the old.
    const t5 = await vault.issueToken('a2', ['k'], { ttlSeconds: 60 });
    await assert.rejects(vault.inject(t4, 'k', req), code('E_VAULT_TOKEN'));
    await vault.inject(t5, 'k', req);
  } finally {
    cleanup();
  }
});

test('injection refuses a host the rule does not allow, and placeholders resolve', async () => {
  const { vault, ledger, cleanup } = await setup();
  try {
    await vault.unseal({ passphrase: pass() });
    await vault.put('k', Buffer.from('k-value-123'), RULE);
    await vault.put('q', Buffer.from('q-value-456'), { kind: 'query', name: 'key', hosts: ['api.example.com'] });
    await vault.grant('k', 'agent:a1');
    await vault.grant('q', 'agent:a1');
    const token = await vault.issueToken('a1', ['k', 'q'], { ttlSeconds: 60 });
    for (const url of ['https://api.example.com.evil.com/', 'https://api.example.com@evil.com/', 'https://api.example.com:444/', 'http://127.0.0.1:8080/']) {
      await assert.rejects(vault.inject(token, 'k', { url, headers: {} }), code('E_VAULT_HOST'), url);
    }
    assert.equal(ledger.entries.filter((e) => e.detail.reason === 'host not allowed').length, 4);
    assert.equal((await vault.inject(token, 'k', { url: 'http://127.0.0.1:8443/x', headers: {} })).headers.Authorization, 'Bearer k-value-123');
    assert.equal((await vault.inject(token, 'q', { url: 'https://api.example.com/x?a=1', headers: {} })).url, 'https://api.example.com/x?a=1&key=q-value-456');
    const out = await vault.injectPlaceholders(token, { url: 'https://api.example.com/', headers: { 'x-api-key': 'octant-secret:k', other: 'Bearer octant-secret:q' } });
    assert.deepEqual(out.headers, { 'x-api-key': 'k-value-123', other: 'Bearer q-value-456' });
    await assert.rejects(vault.injectPlaceholders(token, { url: 'https://evil.com/', headers: { a: 'octant-secret:k' } }), code('E_VAULT_HOST'));
    await assert.rejects(vault.injectPlaceholders(token, { url: 'https://api.example.com/', headers: { a: 'octant-secret:nope' } }), code('E_VAULT_DENIED'));
    // The values are now in play: redaction catches them.
    assert.equal(vault.redact('got k-value-123 back'), 'got [REDACTED] back');
  } finally {
    cleanup();
  }
});

test('the header values an injection builds are in play too: every encoding of a whole Basic or Bearer value is caught', async () => {
  const { vault, cleanup } = await setup();
  try {
    await vault.unseal({ passphrase: pass() });
    await vault.put('b', Buffer.from('basic-pw-7f3a9c'), { kind: 'basic', username: 'svc', hosts: ['api.example.com'] });
    await vault.put('k', Buffer.from('bearer-tok-5b2d4f'), RULE);
    await vault.grant('b', 'agent:a1');
    await vault.grant('k', 'agent:a1');
    const token = await vault.issueToken('a1', ['b', 'k'], { ttlSeconds: 60 });
    const basic = (await vault.inject(token, 'b', { url: 'https://api.example.com/', headers: {} })).headers.Authorization;
    const bearer = (await vault.inject(token, 'k', { url: 'https://api.example.com/', headers: {} })).headers.Authorization;
    const b64 = (s: string): string => Buffer.from(s).toString('base64');
    for (const echoed of [basic, basic.slice('Basic '.length), b64(basic), b64(bearer), encodeURIComponent(b64(bearer)), Buffer.from(bearer).toString('hex')]) {
      assert.equal(vault.redact(`echo ${echoed} end`), 'echo [REDACTED] end', echoed);
    }
    // The twin: a header value never injected is left alone.
    assert.equal(vault.redact(`echo ${b64('Bearer something-else')} end`), `echo ${b64('Bearer something-else')} end`);
  } finally {
    cleanup();
  }
});

test('log first: when the ledger cannot append, nothing is injected or written', async () => {
  const { vault, ledger, file, cleanup } = await setup();
  try {
    await vault.unseal({ passphrase: pass() });
    await vault.put('k', Buffer.from('k-value-123'), RULE);
    await vault.grant('k', 'agent:a1');
    const token = await vault.issueToken('a1', ['k'], { ttlSeconds: 60 });
    const before = readFileSync(file, 'utf8');
    ledger.failWith = new Error('disk full');
    await assert.rejects(vault.inject(token, 'k', { url: 'https://api.example.com/', headers: {} }), /disk full/);
    await assert.rejects(vault.put('k2', Buffer.from('other-value'), RULE), /disk full/);
    await assert.rejects(vault.rotate('k', Buffer.from('other-value')), /disk full/);
    assert.equal(readFileSync(file, 'utf8'), before);
    assert.equal(vault.redact('k-value-123'), 'k-value-123', 'never decrypted, so not in play');
  } finally {
    cleanup();
  }
});

test('rotate, versions and deletion by destroying data keys', async () => {
  const { vault, file, cleanup } = await setup();
  try {
    await vault.unseal({ passphrase: pass() });
    await vault.put('k', Buffer.from('v1-value'), RULE);
    await vault.rotate('k', Buffer.from('v2-value'));
    const info = await vault.rotate('k', Buffer.from('v3-value'));
    assert.equal(info.current, 3);
    assert.deepEqual(info.versions.map((v) => [v.version, v.destroyed]), [[1, true], [2, false], [3, false]]);
    assert.equal((await vault.reveal('k', pass())).toString(), 'v3-value');
    await assert.rejects(vault.reveal('k', Buffer.from('not it')), code('E_VAULT_PASSPHRASE'));
    await assert.rejects(vault.remove('k', 3), code('E_VAULT_VERSION'));
    await vault.remove('k', 2);
    const data = JSON.parse(readFileSync(file, 'utf8'));
    assert.equal(data.secrets.k.versions[1].key, null);
    await vault.remove('k');
    assert.deepEqual(vault.list(), []);
    await assert.rejects(vault.reveal('k', pass()), code('E_VAULT_NOT_FOUND'));
    await assert.rejects(vault.put('bad name', Buffer.from('x-value'), RULE), code('E_VAULT_NAME'));
    assert.deepEqual(readdirSync(join(file, '..')), ['vault.json'], 'no temp file left behind');
  } finally {
    cleanup();
  }
});

test('Shamir unseal: k shares work, k-1 or a wrong share do not', async () => {
  const { vault, shares, cleanup } = await setup({ shamir: { shares: 5, threshold: 3 } });
  try {
    assert.equal(shares.length, 5);
    await assert.rejects(vault.unseal({ shares: shares.slice(0, 2) }), code('E_VAULT_SHARE'));
    const wrong = shares[2].replace(/-([0-9a-f])([0-9a-f]*)$/, (_m, a: string, b: string) => `-${a === '0' ? '1' : '0'}${b}`);
    await assert.rejects(vault.unseal({ shares: [shares[0], shares[1], wrong] }), code('E_VAULT_SHARE'));
    await vault.unseal({ shares: [shares[4], shares[1], shares[3]] });
    assert.equal(vault.sealed(), false);
    assert.deepEqual(vault.status().shamir, { shares: 5, threshold: 3 });
  } finally {
    cleanup();
  }
});

test('key-file unseal, and a key file others can read is refused', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'octant-vault-kf-'));
  const keyFile = join(dir, 'vault.key');
  const { vault, cleanup } = await setup({ keyFile });
  try {
    await vault.unseal({ keyFile });
    assert.equal(vault.sealed(), false);
    await vault.seal();
    chmodSync(keyFile, 0o644);
    await assert.rejects(vault.unseal({ keyFile }), code('E_VAULT_KEYFILE'));
    chmodSync(keyFile, 0o600);
    writeFileSync(keyFile, `${'ab'.repeat(32)}\n`);
    await assert.rejects(vault.unseal({ keyFile }), (e) => code('E_VAULT_KEYFILE')(e) && /does not unlock/.test((e as Error).message));
  } finally {
    cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('status and list work while sealed; init refuses to overwrite', async () => {
  const { vault, file, ledger, cleanup } = await setup();
  try {
    assert.deepEqual(vault.status(), { initialized: true, sealed: true, secrets: 0, tokens: 0, unlock: ['passphrase'], kdf: { alg: 'argon2id', ...FAST_KDF } });
    await assert.rejects(Vault.init({ file, ledger }, { passphrase: pass(), kdf: FAST_KDF }), code('E_VAULT_EXISTS'));
    assert.deepEqual(vault.list(), []);
  } finally {
    cleanup();
  }
});
