// The admin client carries the server's error faithfully: the same code,
// message, hint and exit code as the OctantError thrown behind the socket,
// so a command run through the running system exits as it would in-process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT, OctantError } from '../../lib/errors.ts';
import { adminSocketPath, rootLayout, type Paths } from '../paths.ts';
import { startAdminServer } from './server.ts';
import { adminRequest } from './client.ts';
import { callServed, streamServed } from '../../../test/support/served-routes.ts';
import type { AdminRoutes } from './types.ts';
import { on } from '../../lib/http/route.ts';

const ROUTES: AdminRoutes = [
  on('GET', '/sealed', () => { throw new OctantError('E_VAULT_SEALED', 'the vault is sealed', { exit: EXIT.unavailable, hint: "run 'octant vault unseal'" }); }),
  on('GET', '/usage', () => { throw new OctantError('E_LEDGER_EVENT', 'kind: expected a string', { exit: EXIT.usage, detail: { field: 'kind' } }); }),
  on('GET', '/plain-failure', () => { throw new OctantError('E_SOMETHING', 'it failed'); }),
  on('GET', '/crash', () => { throw new TypeError('boom'); }),
  on('GET', '/stream-sealed', () => { throw new OctantError('E_VAULT_SEALED', 'sealed', { exit: EXIT.unavailable }); }),
];

async function withServer(run: (paths: Paths) => Promise<void>): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'octant-admin-client-'));
  const paths = rootLayout(root);
  const server = await startAdminServer({ socketPath: adminSocketPath(paths), routes: ROUTES });
  try {
    await run(paths);
  } finally {
    await server.close();
    rmSync(root, { recursive: true, force: true });
  }
}

test('an unavailable error (503) keeps its code and exit 3, not 1', () => withServer(async (paths) => {
  const reply = await adminRequest(paths, 'GET', '/v1/sealed');
  assert.equal(reply.status, 503);
  assert.equal((reply.body as { error: { exit: number } }).error.exit, EXIT.unavailable);
  await assert.rejects(callServed(paths, 'GET', '/v1/sealed'), (error: OctantError) => {
    assert.equal(error.code, 'E_VAULT_SEALED');
    assert.equal(error.exit, EXIT.unavailable);
    assert.equal(error.message, 'the vault is sealed');
    assert.equal(error.hint, "run 'octant vault unseal'");
    return true;
  });
}));

test('usage errors exit 2 with their detail; plain failures and crashes exit 1', () => withServer(async (paths) => {
  await assert.rejects(callServed(paths, 'GET', '/v1/usage'), { code: 'E_LEDGER_EVENT', exit: EXIT.usage, detail: { field: 'kind' } });
  await assert.rejects(callServed(paths, 'GET', '/v1/plain-failure'), { code: 'E_SOMETHING', exit: EXIT.failure });
  await assert.rejects(callServed(paths, 'GET', '/v1/crash'), { code: 'E_ADMIN_INTERNAL', exit: EXIT.failure, message: 'boom' });
  await assert.rejects(callServed(paths, 'GET', '/v1/missing'), { code: 'E_ADMIN_NOT_FOUND', exit: EXIT.failure });
}));

test('a streamed request that fails carries the exit code too', () => withServer(async (paths) => {
  await assert.rejects(async () => { for await (const _ of streamServed(paths, 'GET', '/v1/stream-sealed')) { /* none */ } }, { code: 'E_VAULT_SEALED', exit: EXIT.unavailable });
}));

test('a reply without our error body falls back on the status; an invalid exit in the body is not trusted', async () => {
  const root = mkdtempSync(join(tmpdir(), 'octant-admin-client-'));
  const paths = rootLayout(root);
  mkdirSync(paths.run, { recursive: true, mode: 0o700 });
  const server = createServer((req, res) => {
    const bodies: Record<string, [number, string]> = {
      '/v1/bare-503': [503, 'busy'],
      '/v1/bare-400': [400, ''],
      '/v1/exit-zero': [503, JSON.stringify({ error: { code: 'E_X', message: 'x', exit: 0 } })],
      '/v1/exit-bogus': [403, JSON.stringify({ error: { code: 'E_Y', message: 'y', exit: 77 } })],
    };
    const [status, text] = bodies[req.url ?? ''] ?? [500, ''];
    res.writeHead(status).end(text);
  });
  await new Promise<void>((resolve) => server.listen(adminSocketPath(paths), resolve));
  try {
    await assert.rejects(callServed(paths, 'GET', '/v1/bare-503'), { code: 'E_ADMIN_STATUS', exit: EXIT.unavailable });
    await assert.rejects(callServed(paths, 'GET', '/v1/bare-400'), { code: 'E_ADMIN_STATUS', exit: EXIT.usage });
    await assert.rejects(callServed(paths, 'GET', '/v1/exit-zero'), { code: 'E_X', exit: EXIT.unavailable });
    await assert.rejects(callServed(paths, 'GET', '/v1/exit-bogus'), { code: 'E_Y', exit: EXIT.denied });
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(root, { recursive: true, force: true });
  }
});
