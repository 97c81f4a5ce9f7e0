// What checking a request costs the gateway over parsing it: the strict body
// parse (lib/json-body.ts: UTF-8, depth and surrogate scan, then JSON.parse)
// plus the field-by-field validation (gateway/openai-request.ts), against
// plain JSON.parse of the same bytes measured in the same run. Two bodies:
// a typical chat request (a system prompt, 8 turns, 2 tools) and a 16 MiB
// prompt (the largest body the gateway accepts).
// Each figure is the best of 5 batches. Usage: node bench/request-validation.ts [rounds]   (default 5000)
import { parseJsonBody } from '../src/lib/json-body.ts';
import { validateChat } from '../src/services/router/gateway/openai-request.ts';

const rounds = Number(process.argv[2] ?? '5000');
const turns = Array.from({ length: 8 }, (_, i) => ({ role: i % 2 === 0 ? 'user' : 'assistant', content: `turn ${i}: ${'some words of the conversation '.repeat(10)}` }));
const tool = (name: string) => ({ type: 'function', function: { name, description: 'd', parameters: { type: 'object', properties: { q: { type: 'string' } }, required: ['q'] } } });
const typical = Buffer.from(JSON.stringify({ model: 'auto', messages: [{ role: 'system', content: 'You are helpful.' }, ...turns], tools: [tool('search'), tool('fetch')], max_tokens: 512, temperature: 0.2, stream: true, stream_options: { include_usage: true } }));
const huge = Buffer.from(JSON.stringify({ model: 'auto', messages: [{ role: 'user', content: 'x'.repeat((16 << 20) - 100) }] }));

/** µs per call: the best of 5 batches (the least disturbed by other load on a shared host). */
function time(n: number, fn: () => unknown): number {
  for (let i = 0; i < Math.min(n, 200); i++) fn(); // warm up
  let best = Infinity;
  for (let batch = 0; batch < 5; batch++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < n; i++) fn();
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e3 / n);
  }
  return best;
}

for (const [name, body, n] of [['typical chat request', typical, rounds], ['16 MiB prompt', huge, 3]] as const) {
  const plain = time(n, () => JSON.parse(body.toString('utf8')));
  const strict = time(n, () => parseJsonBody(body, { maxDepth: 64 }));
  const checked = time(n, () => validateChat(parseJsonBody(body, { maxDepth: 64 })));
  console.log(`${name.padEnd(22)} ${String(body.length).padStart(9)} B  JSON.parse ${plain.toFixed(1)} µs  strict parse ${strict.toFixed(1)} µs (x${(strict / plain).toFixed(2)})  + validation ${checked.toFixed(1)} µs (x${(checked / plain).toFixed(2)})`);
}
