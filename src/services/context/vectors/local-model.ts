// T3 with a model the operator installed (docs/memory.md "T3"): a GGUF
// embedding model under /data/models, run by an inference engine the
// operator installed too. The core links no native inference library (no
// native addon in the executable), so the engine is a separate program that
// serves OpenAI's /v1/embeddings on loopback: llama.cpp's `llama-server
// --embedding`. It is started on the first embed (loaded on demand), bound
// to 127.0.0.1 on a free port, and stopped with the embedder. Nothing leaves
// the machine.
//
// What is refused, with the step named:
//   E_MEMORY_MODEL_MISSING  no .gguf model in the models directory (or not the one named)
//   E_MEMORY_MODEL_ENGINE   no engine program, or an ONNX model (llama.cpp
//                           runs GGUF; ONNX models run in onnx-model.ts,
//                           when services.context.embedder.model names the .onnx file)
//   E_MEMORY_MODEL_START    the engine exited or did not answer in time

import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, existsSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';
import { EXIT, OctantError } from '../../../lib/errors.ts';
import type { Embedder } from './embedder.ts';
import { normalize } from './hashed-embedding.ts';
import { embeddingsEndpoint } from './router-embedder.ts';

export const MODELS_DIR = '/data/models';
export const ENGINE = 'llama-server';

export interface LocalModelOptions {
  /** Default /data/models. */
  modelsDir?: string;
  /** A file name in modelsDir; default the only (or first by name) .gguf there. */
  model?: string;
  /** The engine program: a path, or a name looked up on PATH (default llama-server). */
  engine?: string;
  /** How long the engine may take to load the model (default 120 s). */
  startTimeoutMs?: number;
}

export interface LocalModelEmbedder extends Embedder {
  /** Stop the engine (if it was started). */
  close(): Promise<void>;
}

function findEngine(engine: string): string | undefined {
  const runnable = (p: string): boolean => {
    try {
      accessSync(p, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  };
  if (engine.includes('/')) return runnable(engine) ? engine : undefined;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) if (dir !== '' && runnable(join(dir, engine))) return join(dir, engine);
  return undefined;
}

/** The model file and the engine program, or the error that says which is missing. */
export function resolveLocalModel(options: LocalModelOptions = {}): { model: string; engine: string } {
  const dir = options.modelsDir ?? MODELS_DIR;
  const files = existsSync(dir) ? readdirSync(dir).sort() : [];
  const gguf = files.filter((f) => f.endsWith('.gguf'));
  const wanted = options.model;
  if ((wanted !== undefined && wanted.endsWith('.onnx')) || (wanted === undefined && gguf.length === 0 && files.some((f) => f.endsWith('.onnx')))) {
    throw new OctantError('E_MEMORY_MODEL_ENGINE', `local embedding model: llama-server runs GGUF, not ONNX models (${dir})`, { exit: EXIT.unavailable, hint: 'name the .onnx file in services.context.embedder.model to run it with onnxruntime-web, or export the model to GGUF, or use the built-in embedder' });
  }
  const model = wanted ?? gguf[0];
  if (model === undefined || !gguf.includes(model)) {
    throw new OctantError('E_MEMORY_MODEL_MISSING', `local embedding model: ${wanted === undefined ? 'no .gguf file' : `no ${wanted}`} in ${dir}`, { exit: EXIT.unavailable, hint: `put a GGUF embedding model in ${dir}, or use the built-in embedder (the default)` });
  }
  const engine = findEngine(options.engine ?? ENGINE);
  if (engine === undefined) {
    throw new OctantError('E_MEMORY_MODEL_ENGINE', `local embedding model: the engine '${options.engine ?? ENGINE}' is not installed (or not executable)`, { exit: EXIT.unavailable, hint: 'install llama.cpp (llama-server), or use the built-in embedder; the executable links no inference library' });
  }
  return { model: join(dir, model), engine };
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve, reject) => probe.once('error', reject).listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  if (typeof address !== 'object' || address === null) throw new OctantError('E_MEMORY_MODEL_START', 'local embedding model: no free loopback port', { exit: EXIT.unavailable });
  return address.port;
}

export function localModelEmbedder(options: LocalModelOptions & { dims: number }): LocalModelEmbedder {
  const { model, engine } = resolveLocalModel(options);
  const name = model.split('/').pop()!;
  let child: ChildProcess | undefined;
  let ready: Promise<(texts: string[]) => Promise<number[][]>> | undefined;

  async function start(): Promise<(texts: string[]) => Promise<number[][]>> {
    const port = await freePort();
    let log = '';
    child = spawn(engine, ['--model', model, '--embedding', '--host', '127.0.0.1', '--port', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr!.on('data', (c: Buffer) => (log = (log + c.toString()).slice(-2000)));
    const exited = new Promise<never>((_, reject) => child!.once('exit', (code) => reject(new OctantError('E_MEMORY_MODEL_START', `local embedding model: ${engine} exited (${code}) before serving: ${log.trim().slice(-300)}`, { exit: EXIT.unavailable }))));
    exited.catch(() => undefined);
    const deadline = Date.now() + (options.startTimeoutMs ?? 120_000);
    const base = `http://127.0.0.1:${port}`;
    // llama-server answers /health with 200 once the model is loaded (503 while loading).
    for (;;) {
      const ok = await Promise.race([fetch(`${base}/health`).then((r) => r.ok, () => false), exited]);
      if (ok) break;
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new OctantError('E_MEMORY_MODEL_START', `local embedding model: ${engine} did not load ${name} within ${options.startTimeoutMs ?? 120_000} ms`, { exit: EXIT.unavailable });
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    const transport = embeddingsEndpoint({ baseUrl: `${base}/v1`, token: 'local' });
    return (texts) => transport(name, texts);
  }

  return {
    id: `local:${name}:${options.dims}`,
    dims: options.dims,
    async embed(texts) {
      if (texts.length === 0) return [];
      ready ??= start();
      const call = await ready;
      const out: Float32Array[] = [];
      for (const v of await call([...texts])) {
        if (v?.length !== options.dims) throw new OctantError('E_MEMORY_EMBEDDER', `local embedding model ${name} returned ${v?.length ?? 0} dimensions, expected ${options.dims}`, { exit: EXIT.unavailable });
        out.push(normalize(Float32Array.from(v)));
      }
      return out;
    },
    async close() {
      if (child !== undefined && child.exitCode === null) {
        const gone = new Promise((resolve) => child!.once('exit', resolve));
        child.kill('SIGTERM');
        await gone;
      }
    },
  };
}
