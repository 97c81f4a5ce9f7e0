// The tests every provider adapter must pass against its fake: text and
// tool-call answers (plain and streamed), usage, error kinds and retryability,
// timeouts, refused connections, truncated and malformed streams, and the key
// travelling in a header and never in the URL. Each adapter's test file calls
// this and adds its own wire-level checks.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { collect } from '../accumulate.ts';
import { isProviderError } from '../provider-error.ts';
import type { ChatRequest, Provider, ProviderCall, ProviderErrorKind, StreamEvent } from '../types.ts';
import type { FakeProvider, Step } from './fake-server.ts';
import { testCall } from './test-injector.ts';

export interface ConformanceSetup {
  provider: Provider;
  start(): Promise<FakeProvider>;
  /** The base URL of the provider on the fake's origin. */
  baseUrl(origin: string): string;
  /** The header name and value the test key must arrive in. */
  keyHeader: [string, string];
  /** Error statuses this provider uses, with the kind each must map to. */
  errors: [Step, ProviderErrorKind][];
  /** Whether the provider is keyless (Ollama): no key expected anywhere. */
  keyless?: boolean;
}

export const KEY = 'sk-test-123';

/** The error statuses and codes of the OpenAI family (Chat Completions, Responses, presets). */
export const OPENAI_ERRORS: [Step, ProviderErrorKind][] = [
  [{ kind: 'error', status: 429, retryAfter: '2' }, 'rate_limited'],
  [{ kind: 'error', status: 503 }, 'overloaded'],
  [{ kind: 'error', status: 500 }, 'server'],
  [{ kind: 'error', status: 401 }, 'auth'],
  [{ kind: 'error', status: 400 }, 'bad_request'],
  [{ kind: 'error', status: 400, code: 'context_length_exceeded' }, 'context_length'],
];

export function conformance(setup: ConformanceSetup): { fake(): FakeProvider; call(timeoutMs?: number): ProviderCall } {
  let fake: FakeProvider;
  before(async () => (fake = await setup.start()));
  after(() => fake.close());
  const call = (timeoutMs = 5_000): ProviderCall => {
    const c = testCall(setup.baseUrl(fake.origin), 'model-x', KEY, timeoutMs);
    return setup.keyless ? { ...c, credential: undefined } : c;
  };
  const ask = (text: string): ChatRequest => ({ model: 'ignored', messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: text }] });
  const tools: ChatRequest = { ...ask('weather in Oslo?'), tools: [{ name: 'get_weather', description: 'weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } }] };
  const tc = { id: 'call_7', name: 'get_weather', arguments: '{"city":"Oslo"}' };

  test(`${setup.provider.kind}: text answer, usage, key in a header only`, async () => {
    fake.script({ kind: 'ok', text: 'hello there', promptTokens: 30, completionTokens: 4 });
    const { response } = await setup.provider.chat(ask('hi'), call());
    assert.equal(response.content, 'hello there');
    assert.equal(response.stopReason, 'stop');
    assert.equal(response.usage.promptTokens, 30);
    assert.equal(response.usage.completionTokens, 4);
    const req = fake.requests.at(-1)!;
    assert.ok(!req.url.includes(KEY), 'the key must never be in the URL');
    if (setup.keyless) assert.ok(!JSON.stringify(req.headers).includes(KEY));
    else assert.equal(req.headers[setup.keyHeader[0]], setup.keyHeader[1]);
  });

  test(`${setup.provider.kind}: echo proves the user message was mapped`, async () => {
    const { response } = await setup.provider.chat(ask('ping 42'), call());
    assert.equal(response.content, 'echo: ping 42');
  });

  test(`${setup.provider.kind}: tool calls plain and streamed`, async () => {
    fake.script({ kind: 'ok', toolCall: tc });
    const { response } = await setup.provider.chat(tools, call());
    assert.equal(response.stopReason, 'tool_calls');
    assert.equal(response.toolCalls.length, 1);
    assert.equal(response.toolCalls[0].name, 'get_weather');
    assert.deepEqual(JSON.parse(response.toolCalls[0].arguments), { city: 'Oslo' });
    fake.script({ kind: 'ok', toolCall: tc });
    const streamed = await collect((await setup.provider.stream(tools, call())).events);
    assert.equal(streamed.stopReason, 'tool_calls');
    assert.equal(streamed.toolCalls[0].name, 'get_weather');
    assert.deepEqual(JSON.parse(streamed.toolCalls[0].arguments), { city: 'Oslo' });
  });

  test(`${setup.provider.kind}: streaming deltas and the final response`, async () => {
    fake.script({ kind: 'ok', text: 'one two three', promptTokens: 9, completionTokens: 3 });
    const seen: StreamEvent[] = [];
    for await (const e of (await setup.provider.stream(ask('count'), call())).events) seen.push(e);
    const text = seen.filter((e) => e.type === 'text').map((e) => (e as { delta: string }).delta);
    assert.ok(text.length >= 2, `expected several deltas, got ${JSON.stringify(text)}`);
    assert.equal(text.join(''), 'one two three');
    const done = seen.at(-1)!;
    assert.ok(done.type === 'done');
    assert.equal(done.response.content, 'one two three');
    assert.equal(done.response.usage.completionTokens, 3);
  });

  test(`${setup.provider.kind}: error bodies map to typed, retry-aware kinds`, async () => {
    for (const [step, kind] of [...setup.errors, [{ kind: 'malformed' }, 'protocol'] as [Step, ProviderErrorKind]]) {
      fake.script(step);
      const error = await setup.provider.chat(ask('x'), call()).then(() => undefined, (e: unknown) => e);
      assert.ok(isProviderError(error), `${kind}: got ${String(error)}`);
      assert.equal(error.kind, kind, JSON.stringify(step));
      assert.equal(error.retryable, !['auth', 'bad_request', 'context_length'].includes(kind));
      if (step.kind === 'error' && step.retryAfter !== undefined) assert.equal(error.retryAfterMs, Number(step.retryAfter) * 1000);
    }
  });

  test(`${setup.provider.kind}: timeout, refused connection, truncated and malformed streams`, async () => {
    fake.script({ kind: 'hang' });
    const slow = await setup.provider.chat(ask('x'), call(150)).catch((e: unknown) => e);
    assert.ok(isProviderError(slow) && slow.kind === 'timeout', String(slow));
    const refused = await setup.provider.chat(ask('x'), { ...call(), baseUrl: setup.baseUrl('http://127.0.0.1:1') }).catch((e: unknown) => e);
    assert.ok(isProviderError(refused) && refused.kind === 'network', String(refused));
    fake.script({ kind: 'truncate', text: 'partial answer here' });
    const events: StreamEvent[] = [];
    const cut = await (async () => {
      for await (const e of (await setup.provider.stream(ask('x'), call())).events) events.push(e);
    })().catch((e: unknown) => e);
    assert.ok(isProviderError(cut) && cut.retryable, String(cut));
    assert.ok(events.some((e) => e.type === 'text'), 'the first token arrives before the cut');
    fake.script({ kind: 'malformed' });
    const bad = await collect((await setup.provider.stream(ask('x'), call())).events).catch((e: unknown) => e);
    assert.ok(isProviderError(bad) && bad.kind === 'protocol', String(bad));
  });

  return { fake: () => fake, call };
}
