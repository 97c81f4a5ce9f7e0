import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engineConformance } from '../testing/engine-conformance.ts';
import { fixture } from '../testing/fake-engine.ts';
import { createPubChemEngine } from './index.ts';

const dir = import.meta.dirname;
const json = { 'content-type': 'application/json' };
const { fake, search } = engineConformance({
  engine: createPubChemEngine(),
  route: (r) => (r.engineUrl.pathname.startsWith('/rest/pug/compound/name/aspirin/') ? { headers: json, body: fixture(dir, 'property.json') } : { status: 404, headers: json, body: fixture(dir, 'not-found.json') }),
  query: { text: 'aspirin', offset: 0, limit: 10 },
  check(hits) {
    assert.equal(hits.length, 1);
    assert.equal(hits[0]!.title, 'Aspirin');
    assert.equal(hits[0]!.url, 'https://pubchem.ncbi.nlm.nih.gov/compound/2244');
    assert.equal(hits[0]!.snippet, 'C9H8O4 · 180.16 g/mol · IUPAC: 2-acetyloxybenzoic acid · SMILES: CC(=O)OC1=CC=CC=C1C(=O)O');
  },
  errors: [[{ status: 503, headers: json, body: '{"Fault":{"Code":"PUGREST.ServerBusy","Message":"Too many requests or server too busy"}}' }, 'server']],
});

test('pubchem: an unknown name is no hit; a query that cannot be a name sends nothing', async () => {
  assert.deepEqual(await search({ text: 'no such compound', offset: 0, limit: 10 }), []);
  assert.equal(fake().requests.at(-1)!.engineUrl.pathname, '/rest/pug/compound/name/no%20such%20compound/property/Title,MolecularFormula,MolecularWeight,IUPACName,CanonicalSMILES/JSON');
  const before = fake().requests.length;
  assert.deepEqual(await search({ text: '../../etc/passwd', offset: 0, limit: 10 }), []);
  assert.equal(fake().requests.length, before);
});
