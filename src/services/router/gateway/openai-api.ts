// The OpenAI-compatible surface: /v1/chat/completions (JSON and SSE chunks
// ending in [DONE]), /v1/responses, /v1/models, /v1/embeddings — so agent
// code written against the official SDKs works unchanged. Each handler
// returns a value (JSON) or an SSE reply; the HTTP core writes it, waiting
// for the first event before the head so that a refusal (bad request,
// budget, no deployment) keeps its own status.

import { randomUUID } from 'node:crypto';
import { isOctantError } from '../../../lib/errors.ts';
import { sse, type SseEvent } from '../../../lib/http/route.ts';
import { finishOf, fromOpenAIRequest, toOpenAIResponse, toOpenAIUsage } from '../providers/openai/convert.ts';
import type { OpenAIChatRequest, OpenAIChunk } from '../providers/openai/wire.ts';
import type { Caller, ChatRequest, RouterApi } from '../types.ts';
import { paramOf } from './error-shapes.ts';
import { responsesEvents, toResponse, fromResponsesRequest, type ResponsesRequest } from './responses-api.ts';

async function* chatChunks(body: OpenAIChatRequest, request: ChatRequest, router: RouterApi, caller: Caller, created: number): AsyncIterable<SseEvent> {
  const id = `chatcmpl-${randomUUID()}`;
  const chunk = (model: string, delta: OpenAIChunk['choices'][0]['delta'], finish: OpenAIChunk['choices'][0]['finish_reason'] = null): OpenAIChunk => ({ id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta, finish_reason: finish }] });
  let started = false;
  for await (const event of router.stream(request, caller)) {
    if (!started) {
      yield { data: chunk(request.model, { role: 'assistant', content: '' }) };
      started = true;
    }
    if (event.type === 'text') yield { data: chunk(request.model, { content: event.delta }) };
    else if (event.type === 'tool_call') {
      yield { data: chunk(request.model, { tool_calls: [{ index: event.index, ...(event.id ? { id: event.id, type: 'function' } : {}), function: { ...(event.name ? { name: event.name } : {}), arguments: event.argumentsDelta } }] }) };
    } else {
      yield { data: chunk(event.response.model, {}, finishOf(event.response.stopReason)) };
      if (body.stream_options?.include_usage) yield { data: { ...chunk(event.response.model, {}), choices: [], usage: toOpenAIUsage(event.response.usage) } };
    }
  }
  yield { data: '[DONE]' };
}

export async function chatCompletions(body: OpenAIChatRequest, router: RouterApi, caller: Caller): Promise<unknown> {
  const request: ChatRequest = fromOpenAIRequest(body);
  const created = Math.floor(Date.now() / 1000);
  if (body.stream !== true) return toOpenAIResponse(await router.chat(request, caller), created);
  return sse(chatChunks(body, request, router, caller, created));
}

/** The router names the fields of its own request; the Responses API calls two of them otherwise. */
const RESPONSES_PARAMS: Record<string, string> = { max_tokens: 'max_output_tokens', messages: 'input' };

function renamedParam(error: unknown): unknown {
  const param = paramOf(error);
  if (param !== null && param in RESPONSES_PARAMS && isOctantError(error) && error.detail !== undefined) error.detail.param = RESPONSES_PARAMS[param];
  return error;
}

/** The events of a Responses stream, a refusal's field named as that API names it. */
async function* renamingParams(events: AsyncIterable<SseEvent>): AsyncIterable<SseEvent> {
  try {
    yield* events;
  } catch (error) {
    throw renamedParam(error);
  }
}

export async function responses(body: ResponsesRequest, router: RouterApi, caller: Caller): Promise<unknown> {
  const request = fromResponsesRequest(body);
  if (body.stream === true) return sse(renamingParams(responsesEvents(router.stream(request, caller), body.model)));
  try {
    return toResponse(await router.chat(request, caller), body.model);
  } catch (error) {
    throw renamedParam(error);
  }
}

export function models(router: RouterApi): unknown {
  return { object: 'list', data: router.models().map((m) => ({ id: m.id, object: 'model', created: 0, owned_by: m.owner })) };
}

export async function embeddings(body: { model: string; input: string[] }, router: RouterApi, caller: Caller): Promise<unknown> {
  const out = await router.embed(body, caller);
  return {
    object: 'list',
    data: out.vectors.map((embedding, index) => ({ object: 'embedding', index, embedding })),
    model: out.model,
    usage: { prompt_tokens: out.usage.promptTokens, total_tokens: out.usage.promptTokens },
  };
}
