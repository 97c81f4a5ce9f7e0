import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isOctantError } from '../../lib/errors.ts';
import { applyRule, hostAllowed, placeholderNames, replacePlaceholders, validateRule } from './inject.ts';

const HOSTS = ['api.openai.com', '127.0.0.1:8443', '[::1]:9000'];

test('host binding: exact, port-aware; suffix, userinfo and scheme tricks refused', () => {
  const allowed = ['https://api.openai.com/v1/chat', 'https://API.OpenAI.com:443/x', 'http://127.0.0.1:8443/', 'http://[::1]:9000/'];
  const refused = [
    'https://api.openai.com.evil.com/', 'https://evil.com/api.openai.com', 'https://api.openai.com@evil.com/',
    'https://user:pw@api.openai.com/', 'https://xapi.openai.com/', 'https://openai.com/', 'https://api.openai.com:8443/',
    'http://api.openai.com:443/x'.replace('http:', 'ftp:'), 'http://127.0.0.1/', 'http://127.0.0.1:8444/', 'http://[::1]/',
    'https://api.openai.com./', 'not a url', 'file:///etc/passwd', 'https://evil.com\\@api.openai.com/',
  ];
  for (const url of allowed) assert.equal(hostAllowed(url, HOSTS), true, url);
  for (const url of refused) assert.equal(hostAllowed(url, HOSTS), false, url);
  // http to a bare host means port 80 only.
  assert.equal(hostAllowed('http://api.openai.com/', HOSTS), true);
  assert.equal(hostAllowed('http://api.openai.com:443/', HOSTS), false);
});

test('rules are validated field by field', () => {
  const bad: [unknown, RegExp][] = [
    [null, /rule/],
    [{ kind: 'header', name: 'A', hosts: [] }, /hosts/],
    [{ kind: 'header', name: 'A', hosts: ['https://x.com'] }, /hosts\[0\]/],
    [{ kind: 'header', name: 'A', hosts: ['*.x.com'] }, /hosts\[0\]/],
    [{ kind: 'header', name: 'A', hosts: ['x.com:99999'] }, /hosts\[0\]/],
    [{ kind: 'header', name: 'A', hosts: ['u@x.com'] }, /hosts\[0\]/],
    [{ kind: 'header', name: 'Bad Header', hosts: ['x.com'] }, /name/],
    [{ kind: 'header', name: 'A', format: 'Bearer', hosts: ['x.com'] }, /format/],
    [{ kind: 'header', name: 'A', format: 'x\r\n{secret}', hosts: ['x.com'] }, /format/],
    [{ kind: 'basic', username: 'a:b', hosts: ['x.com'] }, /username/],
    [{ kind: 'cookie', hosts: ['x.com'] }, /kind/],
  ];
  for (const [rule, field] of bad) {
    assert.throws(() => validateRule(rule), (e) => isOctantError(e, 'E_VAULT_RULE') && field.test(e.message), JSON.stringify(rule));
  }
  assert.deepEqual(validateRule({ kind: 'header', name: 'X-Key', hosts: ['X.com'] }), { kind: 'header', name: 'X-Key', format: '{secret}', hosts: ['x.com'] });
});

test('header, query and basic injection', () => {
  const req = { url: 'https://x.com/p?a=1', headers: { 'x-key': 'old', keep: 'y' } };
  assert.deepEqual(applyRule({ kind: 'header', name: 'X-Key', format: 'Token {secret}', hosts: [] }, 's3', req).headers, { keep: 'y', 'X-Key': 'Token s3' });
  assert.equal(applyRule({ kind: 'query', name: 'key', hosts: [] }, 's&3', req).url, 'https://x.com/p?a=1&key=s%263');
  assert.equal(applyRule({ kind: 'basic', username: 'me', hosts: [] }, 'pw', req).headers.Authorization, `Basic ${Buffer.from('me:pw').toString('base64')}`);
  assert.deepEqual(req.headers, { 'x-key': 'old', keep: 'y' }, 'the input is not modified');
});

test('placeholders: octant-secret:NAME in header values', () => {
  const req = { url: 'https://x.com/', headers: { a: 'Bearer octant-secret:openai.prod', b: 'octant-secret:k1 and octant-secret:k1', c: 'plain' } };
  assert.deepEqual(placeholderNames(req), ['openai.prod', 'k1']);
  const out = replacePlaceholders(req, new Map([['openai.prod', 'V1'], ['k1', 'V2']]));
  assert.deepEqual(out.headers, { a: 'Bearer V1', b: 'V2 and V2', c: 'plain' });
  assert.deepEqual(placeholderNames({ url: 'https://x.com/', headers: { a: 'sentence ending octant-secret:k.' } }), ['k']);
});
