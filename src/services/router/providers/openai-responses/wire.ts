// OpenAI Responses API wire format (platform.openai.com/docs/api-reference/responses):
// the request (input items, tools, text.format), the response object (output
// items, usage, incomplete_details) and the streaming events (named SSE
// events, API reference "Streaming events"). Also served by our gateway.

export type ResponsesInputContent =
  | { type: 'input_text'; text: string }
  | { type: 'input_image'; image_url: string; detail?: 'auto' | 'low' | 'high' }
  | { type: 'output_text'; text: string; annotations?: unknown[] };

export type ResponsesInputItem =
  | { type?: 'message'; role: 'user' | 'assistant' | 'system' | 'developer'; content: string | ResponsesInputContent[] }
  | { type: 'function_call'; call_id: string; name: string; arguments: string; id?: string }
  | { type: 'function_call_output'; call_id: string; output: string };

export interface ResponsesTool {
  type: 'function';
  name: string;
  description?: string;
  parameters?: Record<string, unknown>;
  strict?: boolean;
}

export type ResponsesToolChoice = 'auto' | 'none' | 'required' | { type: 'function'; name: string };

export interface ResponsesRequest {
  model: string;
  input: string | ResponsesInputItem[];
  instructions?: string;
  tools?: ResponsesTool[];
  tool_choice?: ResponsesToolChoice;
  max_output_tokens?: number;
  temperature?: number;
  top_p?: number;
  text?: { format: { type: 'text' | 'json_object' | 'json_schema' } };
  stream?: boolean;
  /** false: the provider keeps no copy of the conversation (we never rely on previous_response_id). */
  store?: boolean;
}

export interface ResponsesOutputText {
  type: 'output_text';
  text: string;
  annotations: unknown[];
}

export type ResponsesOutputItem =
  | { type: 'message'; id: string; status: string; role: 'assistant'; content: (ResponsesOutputText | { type: 'refusal'; refusal: string })[] }
  | { type: 'function_call'; id: string; call_id: string; name: string; arguments: string; status: string }
  /** Reasoning summaries and anything newer: carried, not converted. */
  | { type: 'reasoning' | string; id: string; [field: string]: unknown };

export interface ResponsesUsage {
  input_tokens: number;
  input_tokens_details?: { cached_tokens?: number };
  output_tokens: number;
  output_tokens_details?: { reasoning_tokens?: number };
  total_tokens: number;
}

export interface ResponsesResponse {
  id: string;
  object: 'response';
  created_at: number;
  status: 'completed' | 'incomplete' | 'failed' | 'in_progress' | 'queued' | 'cancelled';
  model: string;
  output: ResponsesOutputItem[];
  incomplete_details?: { reason: 'max_output_tokens' | 'content_filter' | string } | null;
  error?: { code: string; message: string } | null;
  usage?: ResponsesUsage | null;
}

/** The stream events we read; every event also carries sequence_number. */
export type ResponsesStreamEvent =
  | { type: 'response.created' | 'response.in_progress' | 'response.completed' | 'response.incomplete' | 'response.failed'; response: ResponsesResponse }
  | { type: 'response.output_item.added' | 'response.output_item.done'; output_index: number; item: ResponsesOutputItem }
  | { type: 'response.output_text.delta'; item_id: string; output_index: number; content_index: number; delta: string }
  | { type: 'response.function_call_arguments.delta'; item_id: string; output_index: number; delta: string }
  | { type: 'response.function_call_arguments.done'; item_id: string; output_index: number; arguments: string }
  | { type: 'error'; code: string | null; message: string; param: string | null }
  /** content_part.*, output_text.done, reasoning_summary_*: nothing to convert. */
  | { type: string; [field: string]: unknown };
