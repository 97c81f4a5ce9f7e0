import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createWorkerPool } from '../../lib/worker-pool.ts';
import { PARTIAL_MIN, Redactor, REDACTED, SLICE_UNITS, WORKER_MIN_UNITS } from './redact.ts';

const SECRET = 'sq0csp-Xq7_Lm2PzR9vT4wK1nB8hY3jD6fG0aS'; // 38 characters, no known key format

function withSecret(value = SECRET): Redactor {
  const r = new Redactor();
  r.add(value);
  return r;
}

/** Push `pieces` through one stream; returns the pieces out and the whole output. */
function streamed(r: Redactor, pieces: string[]): { outs: string[]; text: string } {
  const s = r.redactStream();
  const outs = pieces.map((p) => s.push(p));
  outs.push(s.end());
  return { outs, text: outs.join('') };
}

test('values in play are redacted in plain, base64, hex, URL and JSON-escaped forms', () => {
  const value = 'pa$$w0rd/"quoted"+more é';
  const r = withSecret(value);
  const b = Buffer.from(value);
  const forms = [value, b.toString('base64'), b.toString('base64url'), b.toString('hex'), b.toString('hex').toUpperCase(),
    encodeURIComponent(value), encodeURIComponent(value).toLowerCase(), JSON.stringify(value).slice(1, -1), JSON.stringify(value).slice(1, -1).replaceAll('/', '\\/')];
  for (const form of forms) assert.equal(r.redact(`before ${form} after`), `before ${REDACTED} after`, form);
  assert.equal(r.redact('nothing secret here'), 'nothing secret here');
  r.clear();
  assert.equal(r.redact(value), value);
});

test('base64 of a whole header value (Bearer <s>, Basic user:secret) and of any text around the secret is caught', () => {
  const r = withSecret();
  const b64 = (s: string): string => Buffer.from(s).toString('base64');
  const basic = b64(`alice:${SECRET}`);
  for (const header of [`Bearer ${SECRET}`, `alice:${SECRET}`, `token=${SECRET}&x=1`]) {
    for (const encoded of [b64(header), Buffer.from(header).toString('base64url'), encodeURIComponent(b64(header))]) {
      const out = r.redact(`echo: ${encoded}`);
      assert.ok(out.includes(REDACTED), encoded);
      // What is left of the encoding around the marker carries at most a few bits of the value.
      const left = out.slice('echo: '.length).split(REDACTED).join('');
      assert.ok(left.length <= b64(header).length - b64(SECRET).length + 4, `${encoded} -> ${out}`);
    }
  }
  assert.ok(r.redact(`Authorization: Basic ${basic}`).includes(REDACTED));
  // The vault also adds the header values it builds: then their own encodings are caught whole.
  r.add(`Basic ${basic}`);
  r.add(basic);
  assert.equal(r.redact(`x ${b64(`Basic ${basic}`)} y`), `x ${REDACTED} y`);
  assert.equal(r.redact(`x ${basic} y`), `x ${REDACTED} y`);
  // The secret at each byte offset of a base64 document (three alignments).
  for (let pad = 0; pad < 6; pad++) {
    const doc = b64(`${'x'.repeat(pad)}{"key":"${SECRET}"}`);
    assert.ok(r.redact(doc).includes(REDACTED), `offset ${pad}`);
  }
});

test('common key formats are redacted; ordinary text is not', () => {
  const r = new Redactor();
  const samples = [
    'sk-ant-api03-AbCdEfGhIjKlMnOpQrStUv', 'sk-proj-AbCdEfGhIjKlMnOpQrStUvWx', 'sk-AbCdEfGhIjKlMnOpQrStUvWx',
    'AKIAIOSFODNN7EXAMPLE', `ghp_${'a'.repeat(36)}`, `github_pat_${'b'.repeat(30)}`, 'xoxb-1234567890-abcdefghij', `AIza${'B'.repeat(35)}`,
    'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
    '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg\n-----END PRIVATE KEY-----', '-----BEGIN RSA PRIVATE KEY-----\nabc\n-----END RSA PRIVATE KEY-----',
    '-----BEGIN OPENSSH PRIVATE KEY-----\\nb3BlbnNzaC1rZXk\\n-----END OPENSSH PRIVATE KEY-----',
  ];
  for (const s of samples) assert.equal(r.redact(`x ${s} y`), `x ${REDACTED} y`, s);
  for (const s of ['task-manager', 'risk-assessment-plan', 'AKIA is a prefix', 'AKIAIOSFODNN7EXAMPLEX is too long', 'ghp_short is short', 'eyJ alone',
    '-----BEGIN PUBLIC KEY-----\nMIIBIjAN\n-----END PUBLIC KEY-----', 'the end.']) {
    assert.equal(r.redact(s), s, s);
  }
});

test('a PEM block without its footer is hidden up to the first character no PEM body has', () => {
  const r = new Redactor();
  assert.equal(r.redact('a -----BEGIN EC PRIVATE KEY-----\nMHcCAQEEI\nBB+/x=\n<end>'), `a ${REDACTED}<end>`);
  // A JWT whose first try fails still matches from a later start (what a regex scan would find).
  const jwt = 'eyJaaaaa.eyJbbbbb.eyJcccccc.dddddddddddd';
  assert.equal(r.redact(jwt), `eyJaaaaa.${REDACTED}`);
});

test('short values are not scanned (they would match ordinary text)', () => {
  const r = new Redactor();
  r.add('abc');
  assert.equal(r.size, 0);
  assert.equal(r.redact('abc abc'), 'abc abc');
});

test('a stream cut at every offset of a secret gives what the whole text gives, and never shows a piece of it early', () => {
  const r = withSecret();
  const text = `{"echo":"Bearer ${SECRET}","n":1}`;
  const whole = r.redact(text);
  assert.equal(whole, `{"echo":"Bearer ${REDACTED}","n":1}`);
  const at = text.indexOf(SECRET);
  for (let cut = 0; cut <= text.length; cut++) {
    const { outs, text: joined } = streamed(r, [text.slice(0, cut), text.slice(cut)]);
    assert.equal(joined, whole, `cut at ${cut}`);
    // What the first piece lets out stops before the secret begins (nothing of it is held for later release).
    if (cut > at && cut < at + SECRET.length) assert.ok(outs[0].length <= at, `cut at ${cut}: ${outs[0]}`);
  }
  // One code unit at a time.
  assert.equal(streamed(r, [...text]).text, whole);
});

test('key formats split across pieces are redacted as a whole', () => {
  const r = new Redactor();
  const key = 'sk-proj-AbCdEfGhIjKlMnOpQrStUvWx';
  for (const text of [`data: {"k":"${key}"}\n\n`, `x -----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg\n-----END PRIVATE KEY----- y`, 'id AKIAIOSFODNN7EXAMPLE.']) {
    const whole = r.redact(text);
    assert.ok(whole.includes(REDACTED), text);
    for (let cut = 0; cut <= text.length; cut++) assert.equal(streamed(r, [text.slice(0, cut), text.slice(cut)]).text, whole, `${text} at ${cut}`);
  }
});

test('a text cut (truncated) at every offset of a secret withholds the piece before the cut', () => {
  const r = withSecret();
  const pad = 'x'.repeat(50);
  const text = `${pad}${SECRET} and more`;
  for (let cut = pad.length; cut < pad.length + SECRET.length; cut++) {
    const out = r.redact(text.slice(0, cut));
    const shown = cut - pad.length;
    if (shown >= PARTIAL_MIN) assert.equal(out, `${pad}${REDACTED}`, `cut after ${shown}`);
    else assert.equal(out, text.slice(0, cut), `cut after ${shown}: too short to tell from ordinary text`);
  }
  // The same through a stream that ends at the cut.
  assert.equal(streamed(r, [text.slice(0, pad.length + 20), text.slice(pad.length + 20, pad.length + 37)]).text, `${pad}${REDACTED}`);
  // A key format cut before it is long enough to be recognised is withheld too (the end of a text may be a cut).
  assert.equal(new Redactor().redact('key: sk-proj-AbCd'), `key: ${REDACTED}`);
  assert.equal(new Redactor().redact('ends with ghp_short'), `ends with ${REDACTED}`);
});

test('random texts split at random points: the stream always equals the whole-text result', () => {
  const r = withSecret();
  r.add('hunter2-horse-battery');
  const parts = [SECRET, 'hunter2-horse-battery', SECRET.slice(0, 20), 'sk-', 'sk-AbCdEfGhIjKlMnOpQrSt', 'eyJ', '.eyJ', '-----BEGIN ', 'RSA PRIVATE KEY-----',
    '-----END RSA PRIVATE KEY-----', 'AKIA', 'ABCDEFGHIJKLMNOP', ' ', '\n', '"', 'x', '😀', Buffer.from(SECRET).toString('base64')];
  let seed = 7;
  const rand = (n: number): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
  for (let round = 0; round < 300; round++) {
    let text = '';
    for (let i = rand(12); i >= 0; i--) text += parts[rand(parts.length)];
    const whole = r.redact(text);
    assert.ok(!whole.includes(SECRET) && !whole.includes('hunter2-horse-battery'), text);
    const cuts = [...new Set([rand(text.length + 1), rand(text.length + 1), rand(text.length + 1)])].sort((a, b) => a - b);
    const pieces = [0, ...cuts].map((c, i, all) => text.slice(c, all[i + 1] ?? text.length));
    assert.equal(streamed(r, pieces).text, whole, JSON.stringify({ text, cuts }));
  }
});

test('adversarial bodies that made the old patterns backtrack are redacted correctly', () => {
  const r = withSecret();
  const headers = '-----BEGIN RSA PRIVATE KEY-----'.repeat(20_000);
  assert.equal(r.redact(`a ${headers}`), `a ${REDACTED}`);
  assert.equal(r.redact('eyJ'.repeat(100_000)), REDACTED); // one long unfinished JWT, withheld at the end
  const near = `${SECRET.slice(0, -1)}!`.repeat(20_000);
  assert.equal(r.redact(near), near);
});

test('a long text is redacted a slice per turn: timers keep firing meanwhile', async () => {
  const r = withSecret();
  const body = `${'-----BEGIN RSA PRIVATE KEY-----ab'.repeat(64_000)}${SECRET}`; // ~2 M code units, 128 slices
  let ticks = 0;
  const timer = setInterval(() => ticks++, 1);
  const out = await r.redactAsync(body);
  clearInterval(timer);
  assert.ok(!out.includes(SECRET));
  assert.ok(ticks > 0, 'the event loop served timers while the body was redacted');
});

test('with workers, a long text is redacted in a worker with the same result; a short one stays on this thread', async () => {
  const pool = createWorkerPool({ name: 'redaction', source: { url: new URL('./redact-worker.ts', import.meta.url) }, threads: 1, queueLimit: 4 });
  try {
    const r = withSecret();
    r.useWorkers(pool);
    const keys = 'sk-proj-AbCdEfGhIjKlMnOpQrStUvWx AKIAIOSFODNN7EXAMPLE ';
    // Secrets at the start, the end, across where slices would cut, and a trailing start of one (withheld).
    const body = `${SECRET} ${'lorem ipsum '.repeat(WORKER_MIN_UNITS / 12)}${keys}${Buffer.from(SECRET).toString('base64')} ${'x'.repeat(SLICE_UNITS - 3)}${SECRET} end ${SECRET.slice(0, 5)}`;
    assert.ok(body.length >= WORKER_MIN_UNITS);
    const inline = withSecret().redact(body);
    assert.equal(await r.redactAsync(body), inline);
    assert.equal(pool.stats().done, 1, 'the long text went to the worker');
    // A value added after the pool started is known to the next task (the values go with each task).
    r.add('another-secret-value-42');
    const second = `${body} another-secret-value-42`;
    const out = await r.redactAsync(second);
    assert.ok(!out.includes('another-secret-value-42'));
    assert.equal(out, (() => { const w = withSecret(); w.add('another-secret-value-42'); return w.redact(second); })());
    assert.equal(pool.stats().done, 2);
    // The twin: a short text is redacted here, the worker is not asked.
    assert.equal(await r.redactAsync(`short ${SECRET}`), `short ${REDACTED}`);
    assert.equal(pool.stats().done, 2);
  } finally {
    await pool.close();
  }
});
