// A fake of llama.cpp's llama-server for the local-model embedder's tests:
// a real HTTP server on 127.0.0.1 speaking what the embedder uses — GET
// /health (503 while "loading", then 200) and POST /v1/embeddings in
// OpenAI's format. Vectors: 8 numbers from the text's characters.
// Arguments as llama-server takes them: --model PATH --embedding --host H --port P.
// FAKE_ENGINE_FAIL=1 makes it exit at once, as an engine that cannot load the model does.

import { createServer } from 'node:http';

if (process.env.FAKE_ENGINE_FAIL === '1') {
  process.stderr.write('error: failed to load model\n');
  process.exit(1);
}
const arg = (name: string): string => process.argv[process.argv.indexOf(name) + 1] ?? '';
const loadedAt = Date.now() + 300;
const vector = (s: string): number[] => Array.from({ length: 8 }, (_, i) => [...s].reduce((a, c, j) => a + ((c.charCodeAt(0) * (i + 1) + j) % 7), 1));

createServer((req, res) => {
  if (req.url === '/health') {
    res.writeHead(Date.now() < loadedAt ? 503 : 200).end();
    return;
  }
  let body = '';
  req.on('data', (c: Buffer) => (body += c.toString()));
  req.on('end', () => {
    const { input, model } = JSON.parse(body) as { input: string[]; model: string };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({
      object: 'list', model, data: input.map((s, index) => ({ object: 'embedding', index, embedding: vector(s) })), served: arg('--model'),
    }));
  });
}).listen(Number(arg('--port')), arg('--host'));
