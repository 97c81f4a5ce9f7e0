// Redaction of a large body in the built executable: a system booted by
// dist/octant, a provider (a fake OpenAI-compatible server on 127.0.0.1 in
// this process) answering with a ~300 KiB text full of credentials, asked
// through `octant router serve`. The answer comes back redacted exactly as
// the Redactor redacts it on one thread here, and `octant status` shows the
// redaction workers did the work: in dist/octant a worker runs the code the
// build embedded, from the startup snapshot (lib/worker-pool.ts), which
// `node --test` from the sources never exercises.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { Redactor, REDACTED, WORKER_MIN_UNITS } from '../../src/services/vault/api.ts';
import { OCTANT } from '../support/dist-octant.ts';
import { startServedRouter, type ServedRouter } from '../support/served-router.ts';

const skip = existsSync(OCTANT) ? undefined : `${OCTANT} is missing (run: node scripts/build.ts)`;
if (skip !== undefined) process.stdout.write(`# skipping redaction worker (built executable) tests: ${skip}\n`);

let served: ServedRouter | undefined;
before(async () => {
  if (skip === undefined) served = await startServedRouter('octant-redact-bin-', 'redaction-workers-token-0123456789');
});
after(() => served?.stop());

const vaultDetail = (): string => served!.status().services.find((s) => s.name === 'vault')!.health.detail;

async function ask(content: string): Promise<string> {
  served!.fake.script({ kind: 'ok', text: content });
  const res = await served!.post('/v1/chat/completions', JSON.stringify({ model: 'local', messages: [{ role: 'user', content: 'the report, please' }] }));
  assert.equal(res.status, 200);
  return ((await res.json()) as { choices: { message: { content: string } }[] }).choices[0].message.content;
}

test('dist/octant: a large answer is redacted in a redaction worker, with the same result as on one thread; a small one is not sent there', { skip }, async () => {
  assert.match(vaultDetail(), /redaction workers: 0 done/);
  const keys = ['sk-proj-AbCdEfGhIjKlMnOpQrStUvWx', 'AKIAIOSFODNN7EXAMPLE', `ghp_${'a'.repeat(36)}`, '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg\n-----END PRIVATE KEY-----'];
  const paragraph = 'Quarterly figures, nothing secret in this line at all. ';
  let big = '';
  for (let i = 0; big.length < WORKER_MIN_UNITS + 40_000; i++) big += `${paragraph.repeat(40)}${keys[i % keys.length]} `;
  const expected = new Redactor().redact(big);
  assert.ok(expected.includes(REDACTED) && expected !== big);
  assert.equal(await ask(big), expected);
  assert.match(vaultDetail(), /redaction workers: 1 done, 0 busy, 0 waiting, 0 restarted/);
  // Its twin: a small answer is redacted on the event loop, the workers are not asked.
  assert.equal(await ask(`short ${keys[0]} answer`), `short ${REDACTED} answer`);
  assert.match(vaultDetail(), /redaction workers: 1 done/);
});
