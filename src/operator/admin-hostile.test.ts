// A booted system (ledger and vault services) under hostile admin clients:
// every mounted route refuses malformed and oversize bodies with a 4xx
// naming the problem, before its handler runs; the system partition cannot
// be sealed through the API, so `vault init` still works afterwards; and
// the system stays ready, answering the next well-formed request.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync, openSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adminRequest } from '../runtime/admin/client.ts';
import { callServed } from '../../test/support/served-routes.ts';
import type { SystemStatus } from '../runtime/admin/system-routes.ts';
import { silentLogger } from '../runtime/log.ts';
import { adminSocketPath, rootLayout, type Paths } from '../runtime/paths.ts';
import { ledgerDir, ledgerService, readLedger } from '../services/ledger/api.ts';
import { vaultService } from '../services/vault/api.ts';
import { startSystem } from './system.ts';
import { octantCli } from '../../test/support/octant-cli.ts';

const cli = (root: string, args: string[]) => octantCli(root, ...args);

/** POST raw bytes; the status and the error code of the reply. */
function post(paths: Paths, path: string, body: Buffer): Promise<{ status: number; code?: string; message?: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: adminSocketPath(paths), method: 'POST', path, agent: false, headers: { 'content-type': 'application/json', 'content-length': body.length } }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => {
        const error = (JSON.parse(text) as { error?: { code: string; message: string } }).error;
        resolve({ status: res.statusCode ?? 0, code: error?.code, message: error?.message });
      });
    });
    req.on('error', (error: NodeJS.ErrnoException) => { if (error.code !== 'EPIPE') reject(error); });
    req.end(body);
  });
}

const HOSTILE: Array<[string, Buffer, number, RegExp]> = [
  ['depth 5000', Buffer.from('['.repeat(5000) + ']'.repeat(5000)), 400, /nested more than 64 levels deep/],
  ['1e999', Buffer.from('{"passphrase":1e999}'), 400, /number 1e999 in member "passphrase" .* is out of range/],
  ['Infinity', Buffer.from('{"passphrase":Infinity}'), 400, /is not JSON/],
  ['lone surrogate', Buffer.from('{"name":"\\ud800"}'), 400, /lone surrogate \\ud800/],
  ['duplicate name', Buffer.from('{"name":"a","name":"b"}'), 400, /member name "name" appears twice/],
  ['not UTF-8', Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]), 400, /not valid UTF-8/],
  ['not JSON', Buffer.from('{name: a}'), 400, /is not JSON/],
  ['2 MiB', Buffer.alloc(2 * 1024 * 1024, 0x20), 413, /exceeds the limit of 1048576 bytes/],
];

test('a booted system refuses hostile bodies on every route, cannot have its system partition sealed, and stays ready', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'octant-admin-hostile-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const paths = rootLayout(root);
  const system = await startSystem({ paths, log: silentLogger, services: [ledgerService, vaultService] });
  try {
    await system.ready;
    const routes = ['/v1/ledger/append', '/v1/vault/init', '/v1/vault/unseal', '/v1/vault/secrets', '/v1/vault/grant', '/v1/stop'];
    for (const route of routes) {
      for (const [name, body, status, pattern] of HOSTILE) {
        const reply = await post(paths, route, body);
        assert.equal(reply.status, status, `${route} ${name}: ${reply.message}`);
        assert.match(reply.code ?? '', /^E_ADMIN_BODY/, `${route} ${name}`);
        assert.match(reply.message ?? '', pattern, `${route} ${name}`);
      }
    }
    // POST /v1/stop with a hostile body was refused before its handler: the system still runs.
    assert.equal((await callServed<SystemStatus>(paths, 'GET', '/v1/status')).phase, 'ready');

    // The attack of the issue: seal the system partition through the API, then vault init fails forever.
    const seal = { agent: 'system', lineage: [], kind: 'lifecycle', action: 'partition.seal', target: '', decision: 'allow', detail: {} };
    const refused = await adminRequest(paths, 'POST', '/v1/ledger/append', seal);
    assert.equal(refused.status, 403);
    assert.equal((refused.body as { error: { code: string } }).error.code, 'E_LEDGER_APPEND_DENIED');
    const pw = join(root, 'pw');
    writeFileSync(pw, 'operator passphrase\n', { mode: 0o600 });
    const fd = openSync(pw, 'r');
    try {
      const init = await cli(root, ['vault', 'init', '--passphrase-fd', String(fd)]);
      assert.equal(init.code, 0, init.err);
    } finally {
      closeSync(fd);
    }
    const status = await callServed<SystemStatus>(paths, 'GET', '/v1/status');
    assert.equal(status.phase, 'ready');
    assert.ok(status.services.every((s) => s.state === 'healthy'), JSON.stringify(status.services));
    // Working twin: an operator event is appended; nothing else reached the log but vault init.
    assert.equal((await callServed<{ agent: string }>(paths, 'POST', '/v1/ledger/append', { ...seal, agent: 'operator', kind: 'manifest', action: 'validate' })).agent, 'operator');
  } finally {
    await system.stop();
  }
  const entries = readLedger(ledgerDir(paths), { keepEntries: true }).replay.entries;
  assert.deepEqual(entries.map((e) => [e.agent, e.action]), [['system', 'vault.init'], ['operator', 'validate']]);
  assert.equal((await cli(root, ['ledger', 'verify'])).code, 0);
});
