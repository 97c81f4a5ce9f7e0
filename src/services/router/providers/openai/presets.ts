// OpenAI-compatible services: one adapter, a table of base URLs and quirks.
// Each entry's URL is the service's documented OpenAI-compatible endpoint.

export interface OpenAIPreset {
  baseUrl: string;
  /** Needs an API key (local servers usually do not). */
  keyed: boolean;
  /** Rejects stream_options (older vLLM / LM Studio builds). */
  noStreamOptions?: boolean;
  /** Fixed headers the service asks for. */
  headers?: Record<string, string>;
}

export const OPENAI_PRESETS: Readonly<Record<string, OpenAIPreset>> = {
  deepseek: { baseUrl: 'https://api.deepseek.com/v1', keyed: true },
  groq: { baseUrl: 'https://api.groq.com/openai/v1', keyed: true },
  // The local inference service speaks the same format on its socket/port.
  local: { baseUrl: 'http://127.0.0.1:11435/v1', keyed: false },
  lmstudio: { baseUrl: 'http://127.0.0.1:1234/v1', keyed: false, noStreamOptions: true },
  mistral: { baseUrl: 'https://api.mistral.ai/v1', keyed: true },
  openai: { baseUrl: 'https://api.openai.com/v1', keyed: true },
  // openrouter.ai/docs: HTTP-Referer and X-Title identify the calling app.
  openrouter: { baseUrl: 'https://openrouter.ai/api/v1', keyed: true, headers: { 'http-referer': 'https://octantos.dev', 'x-title': 'OctantOS' } },
  together: { baseUrl: 'https://api.together.xyz/v1', keyed: true },
  vllm: { baseUrl: 'http://127.0.0.1:8000/v1', keyed: false, noStreamOptions: true },
};
