// The engine count is honest: an engine counts as tested only when its
// folder holds a test that runs engineConformance against fixtures, and
// every fixture is listed with its documented source.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { remoteEngines, testedEngineCount } from './registry.ts';

const here = import.meta.dirname;

test('registry: every adapter folder is registered, under its engine name', () => {
  const folders = readdirSync(here, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(here, d.name, 'index.ts')))
    .map((d) => d.name)
    .sort();
  const names = remoteEngines().map((e) => e.name).sort();
  assert.deepEqual(names, folders);
  assert.equal(new Set(names).size, names.length, 'names are unique');
});

test('registry: each adapter has the file roles, hosts and a documentation link', () => {
  for (const e of remoteEngines()) {
    for (const role of ['index.ts', 'wire.ts', 'convert.ts', 'errors.ts']) assert.ok(existsSync(join(here, e.name, role)), `${e.name}/${role}`);
    assert.ok(e.hosts.length > 0, `${e.name} declares its hosts`);
    for (const h of e.hosts) assert.match(h, /^(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)+$/, `${e.name}: host pattern ${h}`);
    assert.match(e.docs, /^https:\/\//);
    assert.equal(e.kind, 'remote');
  }
});

test('registry: tested: true only with a fixture test through engineConformance and documented fixtures', () => {
  for (const e of remoteEngines().filter((x) => x.tested)) {
    const testFile = join(here, e.name, `${e.name}.test.ts`);
    assert.ok(existsSync(testFile), `${e.name}: tested but no ${e.name}.test.ts`);
    const source = readFileSync(testFile, 'utf8');
    assert.match(source, /engineConformance\(/, `${e.name}: its test must run engineConformance`);
    assert.match(source, /fixture\(dir, /, `${e.name}: its test must answer from fixtures/`);
    const fixtures = readdirSync(join(here, e.name, 'fixtures')).filter((f) => f !== 'README.md');
    assert.ok(fixtures.length > 0, `${e.name}: fixtures/ is empty`);
    const readme = readFileSync(join(here, e.name, 'fixtures', 'README.md'), 'utf8');
    for (const f of fixtures) {
      assert.ok(readme.includes(f), `${e.name}: fixtures/README.md does not list ${f}`);
      assert.ok(source.includes(`'${f}'`), `${e.name}: fixture ${f} is not used by the test`);
    }
    assert.match(readme, /https:\/\//, `${e.name}: fixtures/README.md names no source`);
  }
  assert.equal(testedEngineCount(), remoteEngines().filter((x) => x.tested).length);
});

test('registry: docs/search.md lists every engine, and nothing else, in its remote engines table', () => {
  const doc = readFileSync(join(here, '..', '..', '..', '..', 'docs', 'search.md'), 'utf8');
  const section = doc.slice(doc.indexOf('## Remote engines'), doc.indexOf('## Privacy model'));
  const listed = [...section.matchAll(/^\| `([a-z0-9-]+)` \|/gm)].map((m) => m[1]).sort();
  assert.deepEqual(listed, remoteEngines().map((e) => e.name).sort());
});
