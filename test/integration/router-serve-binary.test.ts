// The built executable's `octant router serve` against hostile input: a
// system booted by dist/octant (real ledger, vault, router), the gateway
// opened by a second dist/octant process, a fake OpenAI-compatible upstream
// on 127.0.0.1 in this process. Malformed and oversize requests get 400/413
// naming the field, the next well-formed request is served, and
// `octant status` reports the router healthy with no ledger refusal.
// (test/router-hostile-input.test.ts covers the same surfaces case by case
// from sources.)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { OCTANT } from '../support/dist-octant.ts';
import { startServedRouter, type ServedRouter } from '../support/served-router.ts';

const skip = existsSync(OCTANT) ? undefined : `${OCTANT} is missing (run: node scripts/build.ts)`;
if (skip !== undefined) process.stdout.write(`# skipping router serve (built executable) tests: ${skip}\n`);

let served: ServedRouter | undefined;
before(async () => {
  if (skip === undefined) served = await startServedRouter('octant-serve-bin-', 'binary-serve-token-0123456789');
});
after(() => served?.stop());

const post = (path: string, body: string | Buffer) => served!.post(path, body);

test('dist/octant router serve: 400 naming the field, 413 delivered, the next request served, status healthy', { skip }, async () => {
  const cases: [string, unknown, string][] = [
    ['/v1/chat/completions', { model: 'local', messages: [{ role: 'user', content: 'x' }], max_tokens: 'ten' }, 'max_tokens'],
    ['/v1/chat/completions', { model: 'local', messages: [null] }, 'messages[0]'],
    ['/v1/chat/completions', { model: 'local', messages: [{ role: 'user', content: 42 }] }, 'messages[0].content'],
    ['/v1/chat/completions', { model: 'local', messages: [{ role: 'user', content: 'x' }], tools: 'none' }, 'tools'],
    ['/v1/chat/completions', { model: 'local', messages: [{ role: 'user', content: 'x' }], max_tokens: 1e9 }, 'max_tokens'],
  ];
  for (const [path, body, param] of cases) {
    const res = await post(path, JSON.stringify(body));
    const reply = (await res.json()) as { error: { param: string; message: string } };
    assert.equal(res.status, 400, JSON.stringify(reply));
    assert.equal(reply.error.param, param);
    assert.match(reply.error.message, new RegExp(param.replace(/[[\]]/g, '\\$&')));
  }
  const anthropic = await post('/v1/messages', JSON.stringify({ model: 'local', max_tokens: 10, system: 42, messages: [{ role: 'user', content: 'x' }] }));
  assert.equal(anthropic.status, 400);
  assert.match(((await anthropic.json()) as { error: { message: string } }).error.message, /system: expects a string or an array of text blocks/);
  const oversize = await post('/v1/chat/completions', Buffer.alloc(17 << 20, 0x20));
  assert.equal(oversize.status, 413);
  const ok = await post('/v1/chat/completions', JSON.stringify({ model: 'local', messages: [{ role: 'user', content: 'after all that' }] }));
  assert.equal(ok.status, 200);
  assert.equal(((await ok.json()) as { choices: { message: { content: string } }[] }).choices[0].message.content, 'echo: after all that');
  const router = served!.status().services.find((s) => s.name === 'router')!;
  assert.equal(router.state, 'healthy');
  assert.doesNotMatch(router.health.detail, /ledger refused/);
});
