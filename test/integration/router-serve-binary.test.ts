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
import { rootLayout } from '../../src/runtime/paths.ts';
import { admin, adminRequest } from '../../src/runtime/admin/client.ts';
import { SYSTEM_API } from '../../src/runtime/admin/system-api.ts';
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

test('dist/octant on the HTTP core: a streamed answer as SSE through router serve; the admin API refuses a body its route\'s schema refuses, naming the field, and serves :params', { skip }, async () => {
  const streamed = await post('/v1/chat/completions', JSON.stringify({ model: 'local', stream: true, messages: [{ role: 'user', content: 'stream me' }] }));
  assert.equal(streamed.status, 200);
  assert.equal(streamed.headers.get('content-type'), 'text/event-stream');
  const events = (await streamed.text()).split('\n\n').filter((e) => e !== '');
  assert.equal(events.at(-1), 'data: [DONE]');
  assert.match(events[0], /^data: \{"id":"chatcmpl-/);
  // A refusal before the first event keeps its status, in the API's shape.
  const refused = await post('/v1/chat/completions', JSON.stringify({ model: 'local', stream: true, messages: [{ role: 'user', content: 'x' }], max_tokens: 1e9 }));
  assert.equal(refused.status, 400);
  assert.equal(((await refused.json()) as { error: { param: string } }).error.param, 'max_tokens');
  // The admin socket of the same system: the vault's grant route checks its body by its declaration.
  const paths = rootLayout(served!.root);
  const grant = await adminRequest(paths, 'POST', '/v1/vault/grant', { name: 'x' });
  assert.equal(grant.status, 400);
  assert.deepEqual((grant.body as { error: { code: string; message: string; detail: { field: string } } }).error, {
    code: 'E_ADMIN_BODY', message: 'admin API: request body: principal: required key is missing', detail: { field: 'principal' }, exit: 2,
  });
  // A route with a path parameter (GET /v1/agents/:aid): an unknown agent is the lifecycle's refusal, not a 404 route.
  const unknown = await adminRequest(paths, 'GET', '/v1/agents/agt_nobody');
  assert.notEqual((unknown.body as { error: { code: string } }).error.code, 'E_ADMIN_NOT_FOUND');
  // The typed client over the same socket.
  const status = await admin(paths).call(SYSTEM_API.status);
  assert.equal(status.phase, 'ready');
});
