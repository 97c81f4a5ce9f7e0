// The parser and schema under hostile input, seeded so a failure reproduces:
// every case ends in a manifest in normal form or a clear E_MANIFEST_SCHEMA,
// never a crash, a hang or another kind of error. The hostile families must
// all be refused (no silent acceptance).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { isOctantError } from '../../lib/errors.ts';
import { pick, prng, type Rand } from './fixtures/random-manifest.ts';
import { loadManifest } from './load.ts';
import { validateSchema } from './schema.ts';

const SAMPLE = readFileSync(new URL('../../../examples/manifests/coder.yaml', import.meta.url), 'utf8');
const HOSTILE_CHARS = ['[', ']', '{', '}', '&', '*', '!', '|', '>', '"', "'", ':', '-', '?', '#', '%', '@', '`', ',', '\0', '\t', '\n', ' ', '\u2215', '\uff0f', '\u2024', '\uff0e', '\u202e', '\ufeff', '\u00a0', '.', '/', '..', '9', '-1', '1e309', '.nan', '.inf', '0x1F', '~', 'null', 'true'];

/** Load; return the manifest or the schema error. Anything else fails the test. */
function attempt(text: string, label: string): 'accepted' | 'refused' {
  try {
    const m = loadManifest({ text, origin: label });
    assert.deepEqual(validateSchema(JSON.parse(JSON.stringify(m))), m, `${label}: accepted but not in a stable normal form`);
    return 'accepted';
  } catch (error) {
    if (!isOctantError(error, 'E_MANIFEST_SCHEMA')) assert.fail(`${label}: ${String((error as Error)?.stack ?? error)}`);
    assert.ok(error.message.length > label.length + 2, `${label}: the error says nothing`);
    return 'refused';
  }
}

function refuse(text: string, label: string): void {
  assert.equal(attempt(text, label), 'refused', `${label} was accepted:\n${text.slice(0, 300)}`);
}

function mutate(rand: Rand, text: string): string {
  const lines = text.split('\n');
  for (let n = 1 + Math.floor(rand() * 3); n > 0; n--) {
    const i = Math.floor(rand() * lines.length);
    const line = lines[i];
    const at = Math.floor(rand() * (line.length + 1));
    switch (Math.floor(rand() * 5)) {
      case 0: lines[i] = line.slice(0, at) + pick(rand, HOSTILE_CHARS) + line.slice(at); break;
      case 1: lines[i] = line.slice(0, at) + line.slice(at + 1 + Math.floor(rand() * 4)); break;
      case 2: lines.splice(i, 0, line); break; // duplicate a line (often a duplicate key)
      case 3: lines.splice(i, 1); break;
      default: lines[i] = ' '.repeat(Math.floor(rand() * 6)) + line.trimStart(); break;
    }
  }
  return lines.join('\n');
}

test('2,000 random mutations of a valid manifest: each accepted in normal form or refused clearly', () => {
  const rand = prng(42);
  let refused = 0;
  for (let i = 0; i < 2000; i++) if (attempt(mutate(rand, SAMPLE), `mutation ${i}`) === 'refused') refused++;
  assert.ok(refused > 700, `only ${refused} of 2000 mutations were refused; the mutator is too gentle`);
});

function withPath(p: string): string {
  return SAMPLE.replace('write: [/workspace]', `write: [${JSON.stringify(p)}]`);
}

test('hostile families are all refused (deep nesting, huge lists, look-alikes, bad numbers, duplicates, aliases, tags)', () => {
  const rand = prng(7);
  const LOOK = ['\u2215', '\u2044', '\uff0f', '\u29f8', '\u2024', '\uff0e', '\u3002', '\u2025', '\u2026', '\u00b7', '\u0338', '\u200b', '\u202e', '\u00e9'];
  const families: Array<(i: number) => string> = [
    // deep flow nesting
    () => { const d = 33 + Math.floor(rand() * 3000); return `syscalls: ${'['.repeat(d)}${']'.repeat(d)}\n`; },
    () => { const d = 33 + Math.floor(rand() * 3000); return `${'{a: '.repeat(d)}1${'}'.repeat(d)}\n`; },
    // deep block nesting
    () => `${'- '.repeat(33 + Math.floor(rand() * 10000))}x\n`,
    () => Array.from({ length: 40 + Math.floor(rand() * 60) }, (_, k) => `${'  '.repeat(k)}a:`).join('\n') + ' 1\n',
    // huge lists
    () => withPath('/w').replace('read: [/usr, /etc/ssl]', `read: [${Array.from({ length: 1025 + Math.floor(rand() * 3000) }, (_, k) => `/p${k}`).join(', ')}]`),
    // look-alikes and separators in paths
    () => { const p = ['/workspace', '/data', '/a/b'][Math.floor(rand() * 3)]; const at = 1 + Math.floor(rand() * (p.length - 1)); return withPath(p.slice(0, at) + pick(rand, LOOK) + p.slice(at)); },
    () => withPath(pick(rand, ['/workspace/..', '/workspace/../../etc', 'workspace', '/workspace//x', '/workspace/', '/workspace/.', '/work\u0000space', '//workspace'])),
    // bad numbers
    () => SAMPLE.replace('pids: 512', `pids: ${pick(rand, ['.nan', '-.inf', '.inf', '-1', '0', '1e400', '99999999999999999999', '1.5', '0x7fffffffffffffff', '"512"', '[512]', '~'])}`),
    () => SAMPLE.replace('cpu: 2', `cpu: ${pick(rand, ['.nan', '-2', '0', '1e9', '0.001', 'true', '"2"', '1e-300'])}`),
    () => SAMPLE.replace('memory: 2GiB', `memory: ${pick(rand, ['-1', '2 GiB/s', '1e20', '2PiB', '0.5B', 'lots', '.inf'])}`),
    // duplicate keys at several levels
    () => SAMPLE.replace('  pids: 512', `  pids: 512\n  pids: ${1 + Math.floor(rand() * 10)}`),
    () => `${SAMPLE}\n${pick(rand, ['version: 1', 'skills: []', 'credentials: [x]'])}\n`,
    () => SAMPLE.replace('name: coder', 'name: coder\n  name: other'),
    // anchors, aliases, billion laughs, merge keys
    () => { const n = 2 + Math.floor(rand() * 9); const lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']; for (let k = 1; k < n; k++) lines.push(`a${k}: &a${k} [${Array(9).fill(`*a${k - 1}`).join(',')}]`); return `${lines.join('\n')}\n${SAMPLE}`; },
    () => SAMPLE.replace('credentials: [github-token]', 'credentials: &c [github-token]\nskills: *c').replace('skills: []\n', ''),
    () => SAMPLE.replace('resources:', 'base: &b {cpu: 1}\nresources:\n  <<: *b'),
    // custom and explicit tags
    () => SAMPLE.replace('pids: 512', `pids: ${pick(rand, ['!!int 512', '!custom 512', '!!str 512', '!<tag:example.com:x> 512', '!!binary aGk=', '!!float 512'])}`),
    () => SAMPLE.replace('credentials: [github-token]', `credentials: ${pick(rand, ['!!set {a, b}', '!!omap [a: 1]', '!!seq [a]', '!js/function "f"'])}`),
    // keys that are not plain strings, several documents, prototype keys
    () => SAMPLE.replace('skills: []', pick(rand, ['? [a, b]\n: 1', '1: x', 'null: x', '? {a: 1}\n: 2'])),
    () => `${SAMPLE}\n---\n${SAMPLE}`,
    () => SAMPLE.replace('skills: []', pick(rand, ['__proto__: {polluted: true}', 'constructor: {prototype: {x: 1}}', 'toString: x'])),
  ];
  let cases = 0;
  for (let round = 0; round < 60; round++) {
    families.forEach((family, f) => { refuse(family(round), `family ${f} round ${round}`); cases++; });
  }
  assert.equal(({} as Record<string, unknown>).polluted, undefined, 'no prototype was polluted');
  assert.ok(cases >= 1200);
});

test('1,500 token-soup documents never crash the parser', () => {
  const rand = prng(99);
  for (let i = 0; i < 1500; i++) {
    const text = Array.from({ length: 1 + Math.floor(rand() * 40) }, () => pick(rand, [...HOSTILE_CHARS, 'version', 'identity', 'name', ' ', '\n', '  '])).join('');
    attempt(text, `soup ${i}`);
  }
});
