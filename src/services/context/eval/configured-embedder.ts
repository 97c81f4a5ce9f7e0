// `octant memory eval --embedder configured`: T3 with the embedder the
// operator configured for the service (services.context.embedder in
// octant.yaml: the built-in one, or a local model), so a benchmark measures
// the recall agents get on this machine. The section has been checked
// against the service's schema (defaults filled) when the config was loaded;
// a local model that is missing is refused here, naming the step, as at the
// service's start.

import { operatorEmbedder, type EmbedderSettings } from '../embedder-choice.ts';

function field<T>(section: Readonly<Record<string, unknown>>, name: string, ok: (v: unknown) => v is T, fallback: T): T {
  const value = section[name];
  return ok(value) ? value : fallback;
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isNumber = (v: unknown): v is number => typeof v === 'number';

/** The embedder of the `services.context` section given (its `embedder` object). */
export function configuredEmbedder(context: Readonly<Record<string, unknown>> | undefined): ReturnType<typeof operatorEmbedder> {
  const raw = context?.embedder;
  const section: Readonly<Record<string, unknown>> = typeof raw === 'object' && raw !== null ? { ...raw } : {};
  const settings: EmbedderSettings = {
    kind: section.kind === 'local' ? 'local' : 'builtin',
    model: field(section, 'model', isString, ''),
    modelsDir: field(section, 'modelsDir', isString, '/data/models'),
    dims: field(section, 'dims', isNumber, 0),
    engine: field(section, 'engine', isString, 'llama-server'),
    vocab: field(section, 'vocab', isString, ''),
    onnxRuntime: field(section, 'onnxRuntime', isString, ''),
  };
  return operatorEmbedder(settings);
}
