import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rootLayout } from './paths.ts';
import { configFile, loadConfig, type ConfigurableService } from './config.ts';

const services: ConfigurableService[] = [
  {
    name: 'ledger',
    configSchema: {
      type: 'object',
      properties: {
        fsync: { type: 'boolean', default: true },
        segmentBytes: { type: 'integer', min: 4096, default: 1 << 20 },
        mode: { type: 'string', enum: ['strict', 'relaxed'], default: 'strict' },
        peers: { type: 'array', items: { type: 'string' }, default: [] },
        limits: { type: 'map', values: { type: 'integer', min: 0 } },
      },
    },
  },
  { name: 'vault' },
];

function withRoot(yaml: string | undefined, run: (file: string, root: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const root = mkdtempSync(join(tmpdir(), 'octant-config-'));
    try {
      const paths = rootLayout(root);
      if (yaml !== undefined) {
        mkdirSync(paths.etc, { recursive: true });
        writeFileSync(configFile(paths), yaml);
      }
      await run(configFile(paths), root);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  };
}

/** Asserts loading fails with E_CONFIG whose message names `key` and the file. */
async function refused(root: string, file: string, key: string, also?: RegExp): Promise<void> {
  await assert.rejects(loadConfig(rootLayout(root), services), (e: { code: string; message: string }) => {
    assert.equal(e.code, 'E_CONFIG');
    assert.ok(e.message.includes(file), `names the file: ${e.message}`);
    assert.ok(e.message.includes(key), `names ${key}: ${e.message}`);
    if (also !== undefined) assert.match(e.message, also);
    return true;
  });
}

test('without a file the embedded defaults apply', withRoot(undefined, async (file, root) => {
  const config = await loadConfig(rootLayout(root), services);
  assert.equal(config.fromFile, false);
  assert.equal(config.file, file);
  assert.deepEqual(config.supervisor, { healthIntervalMs: 5000, readyTimeoutMs: 10000 });
  assert.deepEqual(config.services.ledger, { fsync: true, segmentBytes: 1 << 20, mode: 'strict', peers: [], limits: {} });
  assert.deepEqual(config.services.vault, {});
}));

test('a valid file is read, defaults fill the rest', withRoot('supervisor:\n  healthIntervalMs: 250\nservices:\n  ledger:\n    fsync: false\n    peers: [a, b]\n    limits: { x: 1 }\n', async (_file, root) => {
  const config = await loadConfig(rootLayout(root), services);
  assert.equal(config.fromFile, true);
  assert.equal(config.supervisor.healthIntervalMs, 250);
  assert.equal(config.supervisor.readyTimeoutMs, 10000);
  assert.deepEqual(config.services.ledger, { fsync: false, segmentBytes: 1 << 20, mode: 'strict', peers: ['a', 'b'], limits: { x: 1 } });
}));

test('an empty file means all defaults', withRoot('', async (_file, root) => {
  assert.equal((await loadConfig(rootLayout(root), services)).supervisor.healthIntervalMs, 5000);
}));

test('an unknown top-level key is refused', withRoot('superviser:\n  healthIntervalMs: 10\n', async (file, root) => {
  await refused(root, file, 'superviser', /unknown key/);
}));

test('an unknown key inside a service section is refused with its full path', withRoot('services:\n  ledger:\n    fsink: true\n', async (file, root) => {
  await refused(root, file, 'services.ledger.fsink', /known: fsync/);
}));

test('a section for a service that does not exist is refused', withRoot('services:\n  ledgr: {}\n', async (file, root) => {
  await refused(root, file, 'services.ledgr');
}));

test('a service without a schema takes no keys', withRoot('services:\n  vault:\n    anything: 1\n', async (file, root) => {
  await refused(root, file, 'services.vault.anything', /takes no keys/);
}));

test('a wrong type is refused, naming the key and the expected type', withRoot('services:\n  ledger:\n    fsync: "yes"\n', async (file, root) => {
  await refused(root, file, 'services.ledger.fsync', /expected true or false/);
}));

test('YAML 1.1 booleans are strings under the core schema, so they are refused too', withRoot('services:\n  ledger:\n    fsync: yes\n', async (file, root) => {
  await refused(root, file, 'services.ledger.fsync');
}));

test('out-of-range and non-integer numbers are refused', withRoot('supervisor:\n  healthIntervalMs: 1\n', async (file, root) => {
  await refused(root, file, 'supervisor.healthIntervalMs', /at least 10/);
}));

test('a fraction where an integer is required is refused', withRoot('services:\n  ledger:\n    segmentBytes: 5000.5\n', async (file, root) => {
  await refused(root, file, 'services.ledger.segmentBytes', /integer/);
}));

test('a value outside an enum is refused', withRoot('services:\n  ledger:\n    mode: loose\n', async (file, root) => {
  await refused(root, file, 'services.ledger.mode', /strict, relaxed/);
}));

test('a bad list item is refused with its index', withRoot('services:\n  ledger:\n    peers: [a, 3]\n', async (file, root) => {
  await refused(root, file, 'services.ledger.peers[1]');
}));

test('a bad map value is refused with its key', withRoot('services:\n  ledger:\n    limits: { cpu: -1 }\n', async (file, root) => {
  await refused(root, file, 'services.ledger.limits.cpu');
}));

test('a mapping where a scalar is expected (and vice versa) is refused', withRoot('supervisor: 5\n', async (file, root) => {
  await refused(root, file, 'supervisor', /expected a mapping/);
}));

test('duplicate keys are refused', withRoot('supervisor:\n  healthIntervalMs: 100\n  healthIntervalMs: 200\n', async (file, root) => {
  await refused(root, file, '', /not valid YAML/);
}));

test('a document that is not a mapping is refused', withRoot('- a\n- b\n', async (file, root) => {
  await refused(root, file, '(top level)', /expected a mapping/);
}));
