// recordEvent appends directly when no system runs and through the admin
// socket's POST /v1/ledger/append when the ledger service holds the lock;
// malformed events are refused naming the field and never reach the log.
import { test } from 'node:test';
import { request } from 'node:http';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adminRequest } from '../../runtime/admin/client.ts';
import { callServed } from '../../../test/support/served-routes.ts';
import { startAdminServer } from '../../runtime/admin/server.ts';
import type { AdminRoutes } from '../../runtime/admin/types.ts';
import { silentLogger } from '../../runtime/log.ts';
import { adminSocketPath, rootLayout, type Paths } from '../../runtime/paths.ts';
import { ledgerService, openLedger, recordEvent, type LedgerEvent } from './api.ts';
import { readLedgerEvent } from './append-route.ts';

const EVENT: LedgerEvent = { agent: 'operator', lineage: [], kind: 'manifest', action: 'validate', target: 'x.yaml', decision: 'deny', detail: { code: 'E_MANIFEST_SCHEMA' } };

function tempPaths(t: { after(fn: () => void): void }): Paths {
  const dir = mkdtempSync(join(tmpdir(), 'octant-record-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return rootLayout(dir);
}

/** A running system's two relevant parts: the ledger service and the admin socket serving its routes. */
async function system(paths: Paths, withLedgerRoutes = true) {
  const ledger = await ledgerService.start({ paths, config: { checkpointIntervalMs: 0 }, log: silentLogger, deps: {}, signal: new AbortController().signal });
  const services = new Map<string, AdminRoutes>(withLedgerRoutes && ledger.routes ? [['ledger', ledger.routes]] : []);
  const admin = await startAdminServer({ socketPath: adminSocketPath(paths), routes: [], serviceRoutes: () => services });
  return { ledger, async stop() { await admin.close(); await ledger.stop(); } };
}

async function size(paths: Paths): Promise<number> {
  const ledger = await openLedger(paths);
  try { return ledger.size(); } finally { await ledger.close(); }
}

test('no system running: the event is appended directly and the lock released', async (t) => {
  const paths = tempPaths(t);
  assert.equal((await recordEvent(paths, EVENT)).seq, 0);
  assert.equal((await recordEvent(paths, { ...EVENT, target: 'y.yaml' })).seq, 1);
  assert.equal(await size(paths), 2);
});

test('system running: the direct path is locked, recordEvent goes through the admin socket', async (t) => {
  const paths = tempPaths(t);
  const sys = await system(paths);
  try {
    await assert.rejects(openLedger(paths), { code: 'E_LEDGER_LOCKED' });
    const entry = await recordEvent(paths, EVENT);
    assert.equal(entry.seq, 0);
    assert.equal(entry.target, 'x.yaml');
    assert.deepEqual(entry.detail, EVENT.detail);
    assert.equal(sys.ledger.api.size(), 1);
  } finally {
    await sys.stop();
  }
  assert.equal(await size(paths), 1);
});

test('a system whose ledger offers no route, lock held: the error says the ledger is locked', async (t) => {
  const paths = tempPaths(t);
  const sys = await system(paths, false);
  try {
    await assert.rejects(recordEvent(paths, EVENT), { code: 'E_LEDGER_LOCKED' });
  } finally {
    await sys.stop();
  }
});

test('malformed events are refused with E_LEDGER_EVENT (exit 2) naming the field; nothing is appended', async (t) => {
  const paths = tempPaths(t);
  const sys = await system(paths);
  try {
    const bad: Array<[unknown, string]> = [
      [null, 'event'],
      [[EVENT], 'event'],
      [{ ...EVENT, extra: 1 }, 'extra'],
      [{ ...EVENT, kind: undefined }, 'kind'],
      [{ ...EVENT, agent: '' }, 'agent'],
      [{ ...EVENT, agent: 7 }, 'agent'],
      [{ ...EVENT, lineage: 'aid-1' }, 'lineage'],
      [{ ...EVENT, lineage: ['aid-1', 2] }, 'lineage[1]'],
      [{ ...EVENT, detail: [] }, 'detail'],
      [{ ...EVENT, decision: 'x'.repeat(5000) }, 'decision'],
    ];
    for (const [body, field] of bad) {
      const reply = await adminRequest(paths, 'POST', '/v1/ledger/append', body);
      assert.equal(reply.status, 400, `${field}: ${JSON.stringify(reply.body)}`);
      await assert.rejects(callServed(paths, 'POST', '/v1/ledger/append', body), (e: { code: string; exit: number; message: string }) => {
        assert.equal(e.code, 'E_LEDGER_EVENT');
        assert.equal(e.exit, 2);
        assert.ok(e.message.startsWith(`${field}:`), e.message);
        return true;
      });
    }
    assert.equal(sys.ledger.api.size(), 0);
    // Positive twin: the same route takes a well-formed event (an empty target is allowed).
    assert.equal((await callServed<{ seq: number }>(paths, 'POST', '/v1/ledger/append', { ...EVENT, target: '' })).seq, 0);
    assert.equal(sys.ledger.api.size(), 1);
  } finally {
    await sys.stop();
  }
});

test('readLedgerEvent keeps exactly the event fields', () => {
  assert.deepEqual(readLedgerEvent(JSON.parse(JSON.stringify(EVENT))), EVENT);
});

test('the API refuses (403) to write the system partition or to seal any partition; nothing is appended', async (t) => {
  const paths = tempPaths(t);
  const sys = await system(paths);
  try {
    const seal = { kind: 'lifecycle', action: 'partition.seal', decision: 'allow', detail: {} };
    const refused: Array<[unknown, string, RegExp]> = [
      [{ ...EVENT, agent: 'system', ...seal }, 'agent', /'system' partition is written only by the services/],
      [{ ...EVENT, agent: 'system' }, 'agent', /'system' partition/],
      [{ ...EVENT, agent: 'system', kind: 'vault', action: 'vault.init' }, 'agent', /'system' partition/],
      [{ ...EVENT, ...seal }, 'action', /partition\.seal: partitions are sealed by the agent lifecycle/],
      [{ ...EVENT, agent: 'aid-victim', lineage: [], ...seal }, 'action', /partition\.seal/],
    ];
    for (const [body, field, pattern] of refused) {
      const reply = await adminRequest(paths, 'POST', '/v1/ledger/append', body);
      assert.equal(reply.status, 403, JSON.stringify(reply.body));
      const error = (reply.body as { error: { code: string; message: string; detail: { field: string } } }).error;
      assert.equal(error.code, 'E_LEDGER_APPEND_DENIED');
      assert.equal(error.detail.field, field);
      assert.match(error.message, pattern);
    }
    assert.equal(sys.ledger.api.size(), 0);
    // Working twin: the services still write the system partition (what vault init does), and a command appends as the operator.
    assert.equal((await sys.ledger.api.append({ ...EVENT, agent: 'system', kind: 'vault', action: 'vault.init' })).agent, 'system');
    assert.equal((await callServed<{ agent: string }>(paths, 'POST', '/v1/ledger/append', EVENT)).agent, 'operator');
    // An agent's partition is still sealed by the lifecycle (the service API), and then refuses appends.
    await sys.ledger.api.append({ ...EVENT, agent: 'aid-1', lineage: [] });
    await sys.ledger.api.seal('aid-1');
    assert.equal(sys.ledger.api.size(), 4);
  } finally {
    await sys.stop();
  }
});

test('the system partition cannot be sealed by any path: the store refuses the event itself', async (t) => {
  const paths = tempPaths(t);
  const ledger = await openLedger(paths);
  try {
    await assert.rejects(ledger.append({ ...EVENT, agent: 'system', kind: 'lifecycle', action: 'partition.seal' }), { code: 'E_LEDGER_EVENT', message: /system partition cannot be sealed/ });
    // The partition takes later entries as before (vault init would).
    assert.equal((await ledger.append({ ...EVENT, agent: 'system', kind: 'vault', action: 'vault.init' })).seq, 0);
  } finally {
    await ledger.close();
  }
});

/** POST raw bytes to the ledger route; status and error of the reply. */
function postRaw(paths: Paths, body: string): Promise<{ status: number; error?: { code: string; message: string } }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: adminSocketPath(paths), method: 'POST', path: '/v1/ledger/append', agent: false, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, error: (JSON.parse(text) as { error?: { code: string; message: string } }).error }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

test('hostile bodies on the ledger route are 400 naming the problem, never a 500 or an entry; the next event is appended', async (t) => {
  const paths = tempPaths(t);
  const sys = await system(paths);
  try {
    const event = (detail: string, target = '"x.yaml"'): string => `{"agent":"operator","lineage":[],"kind":"manifest","action":"validate","target":${target},"decision":"deny","detail":${detail}}`;
    const cases: Array<[string, RegExp]> = [
      [event(`${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`), /nested more than 64 levels deep/],
      [event('{"tokens":1e999}'), /number 1e999 in member "tokens" .* is out of range/],
      [event('{"tokens":Infinity}'), /is not JSON/],
      [event('{}', '"x\\udc00"'), /string in member "target" .* holds a lone surrogate \\udc00/],
    ];
    for (const [body, pattern] of cases) {
      const reply = await postRaw(paths, body);
      assert.equal(reply.status, 400, body.slice(0, 80));
      assert.equal(reply.error?.code, 'E_ADMIN_BODY');
      assert.match(reply.error?.message ?? '', pattern);
    }
    assert.equal(sys.ledger.api.size(), 0);
    // Working twin: the same event, well formed, is appended.
    const ok = await postRaw(paths, event('{"tokens":1e300}'));
    assert.equal(ok.status, 201);
    assert.equal(sys.ledger.api.size(), 1);
  } finally {
    await sys.stop();
  }
});
