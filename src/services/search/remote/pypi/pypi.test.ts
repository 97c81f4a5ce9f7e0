import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engineConformance } from '../testing/engine-conformance.ts';
import { fixture } from '../testing/fake-engine.ts';
import { projectName } from './convert.ts';
import { createPyPiEngine } from './index.ts';

const dir = import.meta.dirname;
const { fake, search } = engineConformance({
  engine: createPyPiEngine(),
  route: (r) => (r.engineUrl.pathname === '/pypi/sampleproject/json' ? { headers: { 'content-type': 'application/json' }, body: fixture(dir, 'project.json') } : { status: 404, headers: { 'content-type': 'application/json' }, body: '{"message": "Not Found"}' }),
  query: { text: 'SampleProject', offset: 0, limit: 10 },
  check(hits) {
    assert.equal(hits.length, 1);
    assert.equal(hits[0]!.title, 'sampleproject 4.0.0');
    assert.equal(hits[0]!.url, 'https://pypi.org/project/sampleproject/');
    assert.equal(hits[0]!.snippet, 'A sample Python project · Python >=3.9');
    assert.equal(hits[0]!.meta?.source, 'https://github.com/pypa/sampleproject/');
  },
});

test('pypi: a missing project is no hit; a query that is no project name sends nothing', async () => {
  assert.deepEqual(await search({ text: 'no-such-project', offset: 0, limit: 10 }), []);
  assert.equal(fake().requests.at(-1)!.engineUrl.pathname, '/pypi/no-such-project/json');
  const before = fake().requests.length;
  assert.deepEqual(await search({ text: 'http client library', offset: 0, limit: 10 }), []);
  assert.deepEqual(await search({ text: '../admin', offset: 0, limit: 10 }), []);
  assert.equal(fake().requests.length, before);
  assert.equal(projectName('Zope.Interface'), 'zope-interface');
  assert.equal(projectName('a__b--c'), 'a-b-c');
  assert.equal(projectName('-x'), undefined);
});
