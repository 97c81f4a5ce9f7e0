// Ollama native API wire format (github.com/ollama/ollama docs/api.md):
// POST /api/chat (NDJSON stream by default), POST /api/embed.

export interface OllamaToolCall {
  function: { name: string; arguments: Record<string, unknown> };
}

export interface OllamaMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string;
  /** Base64 images, no data: prefix. */
  images?: string[];
  tool_calls?: OllamaToolCall[];
  tool_name?: string;
}

export interface OllamaChatRequest {
  model: string;
  messages: OllamaMessage[];
  tools?: { type: 'function'; function: { name: string; description?: string; parameters: Record<string, unknown> } }[];
  format?: 'json';
  stream: boolean;
  options?: { num_predict?: number; temperature?: number; top_p?: number; stop?: string[] };
}

/** One response (stream: one per line; the last has done: true and the counts). */
export interface OllamaChatResponse {
  model: string;
  created_at: string;
  message?: OllamaMessage;
  done: boolean;
  done_reason?: 'stop' | 'length' | 'load' | string;
  prompt_eval_count?: number;
  eval_count?: number;
  total_duration?: number;
  /** Present (alone) when a stream fails part-way. */
  error?: string;
}

export interface OllamaEmbedResponse {
  model: string;
  embeddings: number[][];
  prompt_eval_count?: number;
}

/** Error body: {"error": "message"}. */
export interface OllamaErrorBody {
  error: string;
}
