// Egress shaping, measured: push bytes both ways through a CONNECT tunnel of
// the egress proxy with a throughput limit and report achieved/limit ratios.
// Usage: node bench/egress-shaping.ts [bytesPerSec=1048576] [seconds=3]
import { createServer, type Socket } from 'node:net';
import { request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEgressProxy } from '../src/kernel/net/proxy.ts';

const rate = Number(process.argv[2] ?? 1 << 20);
const seconds = Number(process.argv[3] ?? 3);
const dir = mkdtempSync(join(tmpdir(), 'octant-bench-'));
// Upstream: sends as fast as it can and counts what it receives.
let received = 0;
const sink = createServer((s) => {
  s.on('data', (c: Buffer) => { received += c.length; });
  const chunk = Buffer.alloc(64 * 1024);
  const pump = (): void => { while (s.writable && s.write(chunk)); };
  s.on('drain', pump);
  s.on('error', () => {});
  pump();
});
await new Promise<void>((r) => sink.listen(0, '127.0.0.1', () => r()));
const port = (sink.address() as { port: number }).port;
const proxy = await startEgressProxy({
  policy: { id: 'bench', network: [{ host: '127.0.0.1', ports: [port, port], protocol: 'tcp' }], limits: { netBytesPerSec: rate } },
  socketPath: join(dir, 'p.sock'),
  audit: async () => {},
});
const socket: Socket = await new Promise((resolve, reject) => {
  const req = request({ socketPath: proxy.socketPath, method: 'CONNECT', path: `127.0.0.1:${port}` });
  req.on('connect', (_res, s) => resolve(s));
  req.on('error', reject);
  req.end();
});
let down = 0;
socket.on('data', (c: Buffer) => { down += c.length; });
const chunk = Buffer.alloc(64 * 1024);
let sending = true;
const pump = (): void => { while (sending && socket.write(chunk)); };
socket.on('drain', pump);
pump();
const start = performance.now();
await new Promise((r) => setTimeout(r, seconds * 1000));
const elapsed = (performance.now() - start) / 1000;
sending = false;
// The first burst (a quarter second of tokens, at least 16 KiB) is allowed on top of the rate.
const burst = Math.max(16 * 1024, Math.floor(rate / 4));
const expected = rate * elapsed + burst;
console.log(`limit ${rate} B/s over ${elapsed.toFixed(2)} s (expected at most ${Math.round(expected)} bytes each way)`);
console.log(`up:   ${received} bytes  ratio achieved/allowed ${(received / expected).toFixed(3)}`);
console.log(`down: ${down} bytes  ratio achieved/allowed ${(down / expected).toFixed(3)}`);
socket.destroy();
await proxy.close();
sink.close();
rmSync(dir, { recursive: true, force: true });
process.exit(0);
