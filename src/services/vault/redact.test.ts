import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Redactor, REDACTED } from './redact.ts';

test('values in play are redacted in plain, base64, hex, URL and JSON-escaped forms', () => {
  const r = new Redactor();
  const value = 'pa$$w0rd/"quoted"+more';
  r.add(value);
  const b = Buffer.from(value);
  for (const form of [value, b.toString('base64'), b.toString('base64url'), b.toString('hex'), encodeURIComponent(value), JSON.stringify(value).slice(1, -1)]) {
    assert.equal(r.redact(`before ${form} after`), `before ${REDACTED} after`, form);
  }
  assert.equal(r.redact('nothing secret here'), 'nothing secret here');
  r.clear();
  assert.equal(r.redact(value), value);
});

test('common key formats are redacted; ordinary text is not', () => {
  const r = new Redactor();
  const samples = [
    'sk-ant-api03-AbCdEfGhIjKlMnOpQrStUv', 'sk-proj-AbCdEfGhIjKlMnOpQrStUvWx', 'sk-AbCdEfGhIjKlMnOpQrStUvWx',
    'AKIAIOSFODNN7EXAMPLE', `ghp_${'a'.repeat(36)}`, 'xoxb-1234567890-abcdefghij', `AIza${'B'.repeat(35)}`,
    'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
    '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg\n-----END PRIVATE KEY-----', '-----BEGIN RSA PRIVATE KEY-----\nabc\n-----END RSA PRIVATE KEY-----',
  ];
  for (const s of samples) assert.equal(r.redact(`x ${s} y`), `x ${REDACTED} y`, s);
  for (const s of ['task-manager', 'risk-assessment-plan', 'AKIA is a prefix', 'ghp_short', 'eyJ alone', '-----BEGIN PUBLIC KEY-----']) {
    assert.equal(r.redact(s), s, s);
  }
});

test('short values are not scanned (they would match ordinary text)', () => {
  const r = new Redactor();
  r.add('abc');
  assert.equal(r.size, 0);
  assert.equal(r.redact('abc abc'), 'abc abc');
});
