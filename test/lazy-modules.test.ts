// The build's lazy-modules plugin (scripts/lazy-modules.ts): a bundle built
// with it loads a builtin or a package only when one of its exports is first
// used, and every import form behaves as it does without the plugin.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { builtinShim, lazyModules } from '../scripts/lazy-modules.ts';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const work = mkdtempSync(join(tmpdir(), 'octant-lazy-modules-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** Bundle `source` (an entry inside the repository, so that `yaml` resolves) with or without the plugin, run it, return its stdout lines. */
async function bundleAndRun(source: string, lazy: boolean): Promise<{ lines: string[]; bundle: string }> {
  const name = `entry-${Math.random().toString(36).slice(2)}`;
  const entry = join(work, `${name}.ts`);
  const outfile = join(work, `${name}-${lazy ? 'lazy' : 'plain'}.mjs`);
  writeFileSync(entry, source);
  await build({
    entryPoints: [entry], outfile, bundle: true, platform: 'node', format: 'esm', target: 'node26', logLevel: 'silent',
    absWorkingDir: repo, nodePaths: [join(repo, 'node_modules')],
    plugins: lazy ? [lazyModules()] : [],
    banner: { js: "const require = process.getBuiltinModule('node:module').createRequire(import.meta.url);" },
  });
  const out = spawnSync(process.execPath, [outfile], { encoding: 'utf8' });
  assert.equal(out.status, 0, out.stderr);
  return { lines: out.stdout.trim().split('\n'), bundle: readFileSync(outfile, 'utf8') };
}

// process.moduleLoadList names each internal module once it has been loaded.
const LOADED = "const loaded = (m: string): boolean => process.moduleLoadList.includes(`NativeModule ${m}`);\n";

test('a builtin is not loaded until one of its exports is used, then it is', async () => {
  const source = `${LOADED}import { request } from 'node:https';
import * as tls from 'node:tls';
console.log(loaded('https'), loaded('tls'));
console.log(typeof request, loaded('https'));
console.log(typeof tls.connect, loaded('tls'));
`;
  const { lines, bundle } = await bundleAndRun(source, true);
  assert.deepEqual(lines, ['false false', 'function true', 'function true']);
  assert.ok(!/^import\b/m.test(bundle), 'no static import is left in the bundle');
  // Negative twin: without the plugin the static import loads both at start.
  assert.deepEqual((await bundleAndRun(source, false)).lines.slice(0, 1), ['true true']);
});

test('default, named, namespace and bare-name imports behave as without the plugin', async () => {
  const source = `import http, { Agent, STATUS_CODES } from 'node:http';
import * as fs from 'fs';
import { constants, promises } from 'node:fs';
import { EventEmitter } from 'node:events';
import Emitter from 'node:events';
import proc from 'node:process';
const agent = new Agent({ keepAlive: true });
console.log(agent instanceof http.Agent, agent instanceof Agent, http.Agent === Agent);
console.log(STATUS_CODES[404], http.STATUS_CODES[418]);
console.log(constants.O_RDONLY === fs.constants.O_RDONLY, typeof promises.readFile, typeof fs.readFileSync);
class Child extends EventEmitter {}
const child = new Child(); let got = ''; child.on('x', (v: string) => { got = v; }); child.emit('x', 'emitted');
console.log(got, child instanceof EventEmitter);
class Other extends Emitter {}
console.log(Emitter === EventEmitter, new Other() instanceof EventEmitter);
proc.exitCode = 3;
console.log(process.exitCode, proc.exitCode);
process.exitCode = 0;
agent.destroy();
`;
  const lazy = await bundleAndRun(source, true);
  const plain = await bundleAndRun(source, false);
  assert.deepEqual(lazy.lines, plain.lines);
  assert.deepEqual(lazy.lines, ['true true true', 'Not Found I\'m a Teapot', 'true function function', 'emitted true', 'true true', '3 3']);
});

test('a CommonJS package is evaluated on first use, with the same results', async () => {
  const source = `import YAML, { parse, stringify } from 'yaml';
console.log(JSON.stringify(parse('a: [1, 2]')), stringify({ b: true }).trim(), YAML.parse('c: x').c);
`;
  const lazy = await bundleAndRun(source, true);
  assert.deepEqual(lazy.lines, (await bundleAndRun(source, false)).lines);
  assert.deepEqual(lazy.lines, ['{"a":[1,2]} b: true x']);
  // The package's code is a string compiled inside the shim's getter: no function of it is in the bundle's own code.
  assert.ok(/load\d* = \(\) => m\d* \?\?= \(\(module\d*\) => \(new Function\(/.test(lazy.bundle), 'yaml is compiled inside the getter');
  assert.ok(!/^\s*var require_\w+ = __commonJS\(\{\s*"node_modules\/yaml/m.test(lazy.bundle), 'no yaml module wrapper is in the bundle itself');
  assert.ok(/^\s*var require_\w+ = __commonJS\(\{\s*"node_modules\/yaml/m.test((await bundleAndRun(source, false)).bundle), 'negative twin: without the plugin it is');
});

test('the shim lists the builtin\'s exports in a fixed order and refuses an unknown module', () => {
  assert.equal(builtinShim('node:path'), builtinShim('node:path'));
  assert.match(builtinShim('node:path'), /"basename","delimiter","dirname"/);
  assert.throws(() => builtinShim('node:no-such-module'), /not a builtin module/);
});
