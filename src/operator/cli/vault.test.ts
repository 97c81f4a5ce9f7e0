// `octant vault` against a running system: every subcommand goes through the
// admin socket to the running vault service (the offline path is covered by
// services/vault/canary.test.ts).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import type { Io } from '../../lib/io.ts';
import { main } from '../../main.ts';
import { silentLogger } from '../../runtime/log.ts';
import { rootLayout } from '../../runtime/paths.ts';
import { startSystem } from '../system.ts';
import { ledgerService } from '../../services/ledger/api.ts';
import { vaultService } from '../../services/vault/api.ts';

async function cli(root: string, args: string[], stdin = ''): Promise<{ code: number; out: string; err: string }> {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const stdout = new PassThrough().on('data', (c: Buffer) => out.push(c));
  const stderr = new PassThrough().on('data', (c: Buffer) => err.push(c));
  const io: Io = { stdin: Readable.from([Buffer.from(stdin)]), stdout, stderr, cwd: root, env: {} };
  const code = await main(['node', 'octant', '--root', root, ...args], io);
  return { code, out: Buffer.concat(out).toString(), err: Buffer.concat(err).toString() };
}

test('octant vault through the admin API of a running system', async () => {
  const root = mkdtempSync(join(tmpdir(), 'octant-vault-cli-'));
  const side = mkdtempSync(join(tmpdir(), 'octant-vault-cli-pw-'));
  const pw = join(side, 'pw');
  writeFileSync(pw, 'operator passphrase\n', { mode: 0o600 });
  const bad = join(side, 'bad');
  writeFileSync(bad, 'not the passphrase\n', { mode: 0o600 });
  const withFd = async (file: string, args: string[], stdin = '') => {
    const fd = openSync(file, 'r');
    try {
      return await cli(root, [...args, String(fd)], stdin);
    } finally {
      closeSync(fd);
    }
  };
  const system = await startSystem({ paths: rootLayout(root), log: silentLogger, services: [ledgerService, vaultService] });
  try {
    await system.ready;
    let r = await cli(root, ['vault', 'status']);
    assert.match(r.out, /not initialized/);
    r = await withFd(pw, ['vault', 'init', '--shares', '3', '--threshold', '2', '--passphrase-fd']);
    assert.equal(r.code, 0, r.err);
    const shares = r.out.trim().split('\n');
    assert.equal(shares.length, 3);
    r = await cli(root, ['vault', 'put', 'k', '--host', 'api.example.com'], 'value-1234');
    assert.notEqual(r.code, 0);
    assert.match(r.err, /E_VAULT_SEALED/);
    r = await withFd(bad, ['vault', 'unseal', '--passphrase-fd']);
    assert.equal(r.code, 4);
    assert.match(r.err, /E_VAULT_PASSPHRASE/);
    const sharesFile = join(side, 'shares');
    writeFileSync(sharesFile, `${shares[2]}\n${shares[0]}\n`);
    r = await withFd(sharesFile, ['vault', 'unseal', '--share-fd']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /vault: unsealed/);
    r = await cli(root, ['vault', 'put', 'k', '--host', 'api.example.com', '--query', 'key'], 'value-1234\n');
    assert.equal(r.code, 0, r.err);
    r = await cli(root, ['vault', 'grant', 'k', '--agent', 'a1']);
    assert.match(r.out, /grants: agent:a1/);
    r = await cli(root, ['vault', 'grant', 'k']);
    assert.equal(r.code, 2);
    r = await cli(root, ['vault', 'list', '--json']);
    assert.deepEqual(JSON.parse(r.out).map((s: { name: string; grants: string[] }) => [s.name, s.grants]), [['k', ['agent:a1']]]);
    assert.equal(r.out.includes('value-1234'), false);
    r = await withFd(bad, ['vault', 'get', 'k', '--passphrase-fd']);
    assert.match(r.err, /E_VAULT_PASSPHRASE/);
    r = await withFd(pw, ['vault', 'get', 'k', '--passphrase-fd']);
    assert.equal(r.out, 'value-1234');
    r = await cli(root, ['vault', 'rotate', 'k'], 'value-5678');
    assert.match(r.out, /k {2}v2/);
    r = await cli(root, ['vault', 'rm', 'k', '--version', '1']);
    assert.equal(r.code, 0, r.err);
    r = await cli(root, ['vault', 'seal']);
    assert.match(r.out, /vault: sealed/);
    r = await cli(root, ['vault', 'status', '--json']);
    assert.deepEqual([JSON.parse(r.out).sealed, JSON.parse(r.out).running], [true, true]);
    r = await cli(root, ['vault', 'put', 'x', '--host', 'h.example', '--passphrase', 'argv-secret'], 'v');
    assert.equal(r.code, 2, 'no passphrase flag on the command line');
  } finally {
    await system.stop();
    await system.stopped;
    rmSync(root, { recursive: true, force: true });
    rmSync(side, { recursive: true, force: true });
  }
});
