// T3 with an ONNX model the operator installed (docs/memory.md "T3"): a
// sentence-embedding export (model.onnx with its vocab.txt or
// tokenizer.json) under /data/models, run by onnxruntime-web (MIT; the
// WebAssembly build, pure JS + wasm) in a worker of its own (onnx-worker.ts,
// niced). The runtime is an optional dependency: it is not in the
// executable and nothing needs it to boot; it is loaded from disk when an
// ONNX model is configured. Nothing leaves the machine.
//
// What is refused, with the step named:
//   E_MEMORY_MODEL_MISSING  no such .onnx file (or no vocabulary beside it)
//   E_MEMORY_MODEL_ENGINE   onnxruntime-web not installed where it is looked for

import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, normalize as normalizePath, relative } from 'node:path';
import { EXIT, OctantError } from '../../../lib/errors.ts';
import { createWorkerPool, workerSource } from '../../../lib/worker-pool.ts';
import type { LocalModelEmbedder } from './local-model.ts';
import type { OnnxTask } from './onnx-run.ts';

/** The version the project is tested with (package.json optionalDependencies). */
export const ONNX_RUNTIME = 'onnxruntime-web@1.30.0';
/** Tokens per text given to the model ([CLS] and [SEP] included); most sentence-transformers exports take 256 to 512. */
export const MAX_TOKENS = 256;
/** Texts per worker task. */
const CHUNK = 32;

export interface OnnxModelOptions {
  modelsDir: string;
  /** The .onnx file, relative to modelsDir (e.g. all-MiniLM-L6-v2/model.onnx). */
  model: string;
  /** vocab.txt or tokenizer.json, relative to modelsDir; default: tokenizer.json, else vocab.txt, beside the model. */
  vocab?: string;
  /** The onnxruntime-web package's directory, or a directory whose node_modules holds it; default: looked for from the executable's directory and the working directory up. */
  runtime?: string;
  dims: number;
  maxTokens?: number;
}

function missing(message: string, hint: string): OctantError {
  return new OctantError('E_MEMORY_MODEL_MISSING', message, { exit: EXIT.unavailable, hint });
}

/** `file` inside `dir` (no `..` out of it), existing. */
function inside(dir: string, file: string, what: string): string {
  const path = normalizePath(join(dir, file));
  const rel = relative(dir, path);
  if (isAbsolute(file) || rel.startsWith('..')) throw missing(`local embedding model: ${what} ${file} is not inside ${dir}`, `name it relative to ${dir}`);
  if (!existsSync(path)) throw missing(`local embedding model: no ${file} in ${dir}`, `put the model's ${what} there (a sentence-transformers ONNX export: model.onnx with tokenizer.json or vocab.txt)`);
  return path;
}

/** The package's directory when `dir` is it, or holds it in node_modules (here or above). */
function packageFrom(dir: string): string | undefined {
  const own = join(dir, 'package.json');
  if (existsSync(own) && (JSON.parse(readFileSync(own, 'utf8')) as { name?: string }).name === 'onnxruntime-web') return dir;
  for (let d = dir; ; d = dirname(d)) {
    const candidate = join(d, 'node_modules', 'onnxruntime-web');
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(d) === d) return undefined;
  }
}

/** The runtime's CommonJS entry for Node (package.json exports["."].node.require), or the error that names the missing step. */
export function resolveOnnxRuntime(configured?: string): string {
  const places = configured !== undefined && configured !== '' ? [configured] : [dirname(process.execPath), process.cwd()];
  for (const place of places) {
    const dir = packageFrom(place);
    if (dir === undefined) continue;
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { exports?: { '.'?: { node?: { require?: string } } }; main?: string };
    const entry = pkg.exports?.['.']?.node?.require ?? pkg.main;
    if (entry !== undefined && existsSync(join(dir, entry))) return join(dir, entry);
  }
  throw new OctantError('E_MEMORY_MODEL_ENGINE', `local embedding model: ONNX models need ${ONNX_RUNTIME}, which is not installed (looked in ${places.join(', ')})`, {
    exit: EXIT.unavailable,
    hint: `install it beside the executable ('npm install ${ONNX_RUNTIME}'), or set services.context.embedder.onnxRuntime to its directory; or export the model to GGUF, or use the built-in embedder`,
  });
}

export function onnxModelEmbedder(options: OnnxModelOptions): LocalModelEmbedder {
  if (!options.model.endsWith('.onnx')) throw missing(`local embedding model: ${options.model} is not an .onnx file`, 'name the .onnx file of the export');
  const model = inside(options.modelsDir, options.model, 'model file');
  const beside = relative(options.modelsDir, dirname(model));
  const vocab = options.vocab !== undefined && options.vocab !== ''
    ? inside(options.modelsDir, options.vocab, 'vocabulary')
    : ['tokenizer.json', 'vocab.txt'].map((f) => join(dirname(model), f)).find((f) => existsSync(f)) ?? inside(options.modelsDir, join(beside, 'vocab.txt'), 'vocabulary');
  const runtime = resolveOnnxRuntime(options.runtime);
  if (!Number.isInteger(options.dims) || options.dims < 1) throw new RangeError(`onnx embedder: dims must be a positive integer (got ${options.dims})`);
  // One thread: a model's session is loaded once per thread; background work.
  const workers = createWorkerPool({
    name: 'onnx-embedding',
    source: workerSource('context-onnx', () => new URL('./onnx-worker.ts', import.meta.url)),
    threads: 1,
    queueLimit: 64,
  });
  const { dims } = options;
  const maxTokens = options.maxTokens ?? MAX_TOKENS;
  return {
    id: `local:${options.model}:${dims}`,
    dims,
    async embed(texts) {
      const out: Float32Array[] = [];
      for (let i = 0; i < texts.length; i += CHUNK) {
        const task: OnnxTask = { runtime, model, vocab, maxTokens, dims, texts: texts.slice(i, i + CHUNK) };
        let flat: Float32Array;
        try {
          flat = await workers.run<Float32Array>('embed-onnx', task);
        } catch (cause) {
          throw new OctantError('E_MEMORY_EMBEDDER', `local embedding model ${options.model}: ${cause instanceof Error ? cause.message : String(cause)}`, { exit: EXIT.unavailable, cause });
        }
        for (let off = 0; off < flat.length; off += dims) out.push(flat.subarray(off, off + dims));
      }
      return out;
    },
    close: () => workers.close(),
  };
}
