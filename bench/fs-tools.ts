// File tools benchmark: one fs.read / fs.write / fs.stat operation done the
// way the tools now do it (open the granted root, switch to the agent's
// filesystem credentials, openat2 beneath the root, act on the descriptor,
// switch back), against the floor of plain readFileSync / writeFileSync /
// lstatSync by name on the same file in the same run. Run as root to include
// the credential switch (an unprivileged agent uid); otherwise it acts as
// the current user.
//
//   node bench/fs-tools.ts [--ops N]

import { chownSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readFile, statEntry, writeFile } from '../src/agent/tools/fs-ops.ts';

const { values } = parseArgs({ options: { ops: { type: 'string', default: '20000' } } });
const ops = Number(values.ops);
if (!Number.isInteger(ops) || ops < 1) throw new Error(`--ops: expected a positive integer, got ${values.ops}`);

const asRoot = process.geteuid?.() === 0;
const actor = asRoot ? { user: { uid: 61236, gid: 61236 } } : {};
const root = mkdtempSync(join(tmpdir(), 'octant-bench-fs-'));
const grant = join(root, 'grant');
mkdirSync(join(grant, 'a', 'b'), { recursive: true });
const file = join(grant, 'a', 'b', 'file.txt');
writeFileSync(file, 'x'.repeat(4096));
if (asRoot) for (const p of [grant, join(grant, 'a'), join(grant, 'a', 'b'), file]) chownSync(p, 61236, 61236);
const located = { root: grant, rel: 'a/b/file.txt', path: file };
const content = 'y'.repeat(4096);

function perOp(run: () => void): number {
  for (let i = 0; i < Math.min(ops, 1000); i++) run(); // warm up
  const start = process.hrtime.bigint();
  for (let i = 0; i < ops; i++) run();
  return Number(process.hrtime.bigint() - start) / ops / 1000;
}

const rows: [string, number, number][] = [
  ['read 4 KiB', perOp(() => readFile('fs.read', actor, located, 256 * 1024)), perOp(() => readFileSync(file, 'utf8'))],
  ['overwrite 4 KiB', perOp(() => writeFile('fs.write', actor, located, content, false)), perOp(() => writeFileSync(file, content))],
  ['stat', perOp(() => statEntry('fs.stat', actor, located)), perOp(() => lstatSync(file))],
];
rmSync(root, { recursive: true, force: true });
console.log(`${ops} operations each, ${asRoot ? 'as agent uid 61236 (credential switch included)' : 'as the current user'}, path 3 components below the root`);
console.log('| operation | file tool | plain by name | ratio |\n|---|---|---|---|');
for (const [name, tool, plain] of rows) console.log(`| ${name} | ${tool.toFixed(1)} µs | ${plain.toFixed(1)} µs | ${(tool / plain).toFixed(2)}x |`);
