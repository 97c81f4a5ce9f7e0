// The provider table: a deployment's `provider` names an adapter or an
// OpenAI-compatible preset; this resolves it to an adapter and a base URL.

import { OctantError, EXIT } from '../../../lib/errors.ts';
import type { Provider } from '../types.ts';
import { createAnthropicProvider } from './anthropic/index.ts';
import { createGeminiProvider } from './gemini/index.ts';
import { createOllamaProvider } from './ollama/index.ts';
import { createOpenAIProvider } from './openai/index.ts';
import { createOpenAIResponsesProvider } from './openai-responses/index.ts';
import { OPENAI_PRESETS } from './openai/presets.ts';

const NATIVE: Readonly<Record<string, { create: () => Provider; baseUrl: string }>> = {
  anthropic: { create: createAnthropicProvider, baseUrl: 'https://api.anthropic.com' },
  gemini: { create: createGeminiProvider, baseUrl: 'https://generativelanguage.googleapis.com/v1beta' },
  ollama: { create: createOllamaProvider, baseUrl: 'http://127.0.0.1:11434' },
  'openai-responses': { create: createOpenAIResponsesProvider, baseUrl: 'https://api.openai.com/v1' },
};

export const PROVIDER_NAMES: readonly string[] = [...Object.keys(NATIVE), ...Object.keys(OPENAI_PRESETS)].sort();

export interface ResolvedProvider {
  provider: Provider;
  defaultBaseUrl: string;
}

const cache = new Map<string, ResolvedProvider>();

export function resolveProvider(name: string): ResolvedProvider {
  const hit = cache.get(name);
  if (hit !== undefined) return hit;
  const native = NATIVE[name];
  const preset = OPENAI_PRESETS[name];
  let resolved: ResolvedProvider;
  if (native !== undefined) resolved = { provider: native.create(), defaultBaseUrl: native.baseUrl };
  else if (preset !== undefined) resolved = { provider: createOpenAIProvider(name), defaultBaseUrl: preset.baseUrl };
  else {
    throw new OctantError('E_ROUTER_PROVIDER', `provider: unknown provider '${name}'`, { exit: EXIT.usage, hint: `one of: ${PROVIDER_NAMES.join(', ')}` });
  }
  cache.set(name, resolved);
  return resolved;
}
