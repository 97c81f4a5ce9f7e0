// No plaintext anywhere: plant canary secrets, drive every flow (CLI and
// service: init, put, rotate, grant, issue token, inject, placeholders,
// redact, errors, seal/unseal, get), then scan every file under the state
// root (vault file, ledger, logs) for the canaries in plain, base64 and hex.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { closeSync, createWriteStream, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { messageOf } from '../../lib/errors.ts';
import type { Io } from '../../lib/io.ts';
import { main } from '../../main.ts';
import { createLogger } from '../../runtime/log.ts';
import { rootLayout } from '../../runtime/paths.ts';
import { dumpable } from '../../kernel/libc.ts';
import { openLedger } from '../ledger/api.ts';
import { vaultService } from './index.ts';

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

async function cli(root: string, args: string[], stdin = ''): Promise<{ code: number; out: string; err: string }> {
  const out = capture();
  const err = capture();
  const io: Io = { stdin: Readable.from([Buffer.from(stdin)]), stdout: out.stream, stderr: err.stream, cwd: root, env: {} };
  const code = await main(['node', 'octant', '--root', root, ...args], io);
  return { code, out: out.text(), err: err.text() };
}

function* files(dir: string): Generator<string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* files(p);
    else if (e.isFile()) yield p;
  }
}

function forms(value: string): string[] {
  const b = Buffer.from(value);
  return [value, b.toString('base64'), b.toString('base64url'), b.toString('hex')];
}

test('canary secrets never reach the disk, the ledger, the logs or an error message', async () => {
  const root = mkdtempSync(join(tmpdir(), 'octant-canary-'));
  const outside = mkdtempSync(join(tmpdir(), 'octant-canary-pw-'));
  const canary1 = `sk-canary1-${randomBytes(12).toString('hex')}`;
  const canary2 = `canary2-${randomBytes(12).toString('hex')}`;
  const passphrase = `pass-${randomBytes(8).toString('hex')}`;
  const pwFile = join(outside, 'pw');
  writeFileSync(pwFile, `${passphrase}\n`, { mode: 0o600 });
  const withPw = async (args: string[], stdin = '') => {
    const fd = openSync(pwFile, 'r');
    try {
      return await cli(root, [...args, '--passphrase-fd', String(fd)], stdin);
    } finally {
      closeSync(fd);
    }
  };
  const seen: string[] = []; // everything a person or agent would read
  try {
    // --- operator, no system running: the CLI works on the files.
    let r = await withPw(['vault', 'init']);
    assert.equal(r.code, 0, r.err);
    r = await withPw(['vault', 'put', 'openai', '--host', 'api.example.com', '--host', '127.0.0.1:8443'], `${canary1}\n`);
    assert.equal(r.code, 0, r.err);
    r = await withPw(['vault', 'put', 'other', '--host', 'other.example.com', '--header', 'X-Key', '--format', '{secret}'], canary2);
    assert.equal(r.code, 0, r.err);
    r = await withPw(['vault', 'grant', 'openai', '--manifest', 'researcher']);
    assert.equal(r.code, 0, r.err);
    r = await withPw(['vault', 'rotate', 'openai'], canary1);
    assert.equal(r.code, 0, r.err);
    r = await withPw(['vault', 'get', 'openai']);
    assert.equal(r.out, canary1); // the operator sees it on stdout, nowhere else
    r = await cli(root, ['vault', 'get', 'openai', '--passphrase-fd', '99']);
    assert.notEqual(r.code, 0);
    seen.push(r.err);
    r = await cli(root, ['vault', 'list', '--json']);
    seen.push(r.out, r.err);

    // --- the running service.
    const paths = rootLayout(root);
    mkdirSync(paths.log, { recursive: true });
    const logStream = createWriteStream(join(paths.log, 'octant.log'));
    const ledger = await openLedger(paths);
    const controller = new AbortController();
    const running = await vaultService.start({ paths, config: {}, log: createLogger(null), deps: { ledger }, signal: controller.signal });
    const vault = running.api;
    const log = createLogger(logStream, 'vault-test', (t) => vault.redact(t));
    assert.equal(dumpable(), 0, 'the process holding keys is not dumpable');
    assert.match(readFileSync('/proc/self/limits', 'utf8'), /Max core file size\s+0\s+0/);

    await assert.rejects(vault.unseal({ passphrase: Buffer.from('wrong') }), (e) => (seen.push(messageOf(e)), true));
    await vault.unseal({ passphrase: Buffer.from(passphrase) });
    const token = await vault.issueToken('agent-1', ['openai', 'other'], { ttlSeconds: 60, manifest: 'researcher' });
    const req = await vault.inject(token, 'openai', { url: 'https://api.example.com/v1/chat', headers: {} });
    assert.equal(req.headers.Authorization, `Bearer ${canary1}`);
    const viaPlaceholder = await vault.injectPlaceholders(token, { url: 'http://127.0.0.1:8443/', headers: { 'x-api-key': 'octant-secret:openai' } });
    assert.equal(viaPlaceholder.headers['x-api-key'], canary1);
    for (const attempt of [
      () => vault.inject(token, 'openai', { url: 'https://api.example.com@evil.example/', headers: {} }),
      () => vault.inject(token, 'other', { url: 'https://other.example.com/', headers: {} }), // not granted
      () => vault.inject(token, 'ghost', { url: 'https://api.example.com/', headers: {} }),
      () => vault.inject('ovt_forged', 'openai', { url: 'https://api.example.com/', headers: {} }),
    ]) {
      await assert.rejects(attempt(), (e) => (seen.push(messageOf(e)), true));
    }
    // An upstream that echoes the credential back: the agent and the log get it redacted.
    const reply = `{"error":"bad key ${canary1}","b64":"${Buffer.from(canary1).toString('base64')}"}`;
    const toAgent = vault.redact(reply);
    seen.push(toAgent);
    log.info('upstream replied', { reply, headers: req.headers });
    log.error('request failed', { error: `401 for key ${canary1}` });
    await vault.revokeAgent('agent-1');
    await vault.seal();
    await vault.unseal({ passphrase: Buffer.from(passphrase) });
    await running.stop();
    controller.abort();
    await ledger.close();
    await new Promise<void>((resolve) => logStream.end(resolve));

    // --- the scan.
    const scanned = [...files(root)];
    assert.ok(scanned.some((f) => f.endsWith('vault.json')) && scanned.some((f) => f.includes('ledger')) && scanned.some((f) => f.endsWith('octant.log')));
    for (const file of scanned) {
      const text = readFileSync(file).toString('latin1');
      for (const secret of [canary1, canary2, passphrase]) {
        for (const form of forms(secret)) assert.equal(text.includes(form), false, `${file} holds a form of a secret`);
      }
    }
    for (const text of seen) {
      for (const form of [...forms(canary1), ...forms(canary2)]) assert.equal(text.includes(form), false, `leaked in: ${text}`);
    }
    assert.ok(readFileSync(join(paths.log, 'octant.log'), 'utf8').includes('[REDACTED]'), 'the log line was written, redacted');
  } finally {
    rmSync(root, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  }
});
