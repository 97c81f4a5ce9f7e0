// The OpenAI-compatible surface: /v1/chat/completions (JSON and SSE chunks
// ending in [DONE]), /v1/responses, /v1/models, /v1/embeddings — so agent
// code written against the official SDKs works unchanged.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { OctantError } from '../../../lib/errors.ts';
import { randomUUID } from 'node:crypto';
import { finishOf, fromOpenAIRequest, toOpenAIResponse, toOpenAIUsage } from '../providers/openai/convert.ts';
import type { OpenAIChunk } from '../providers/openai/wire.ts';
import type { Caller, ChatRequest, RouterApi } from '../types.ts';
import { messageOfError, paramOf, readBody, sendJson, startSse, statusOf, writeSse } from './http-util.ts';
import { validateChat, validateEmbeddings } from './openai-request.ts';
import { validateResponses } from './responses-request.ts';
import { responsesStream, toResponse, fromResponsesRequest, type ResponsesRequest } from './responses-api.ts';

export function openAIError(res: ServerResponse, error: unknown): void {
  const status = statusOf(error);
  const type = status === 401 ? 'authentication_error' : status === 402 ? 'insufficient_quota' : status === 429 ? 'rate_limit_exceeded' : status < 500 ? 'invalid_request_error' : 'api_error';
  const code = (error as { code?: string }).code ?? null;
  const param = paramOf(error);
  if (res.headersSent) {
    // Mid-stream: the only way left to tell the client is an error chunk.
    writeSse(res, { error: { message: messageOfError(error), type, param, code } });
    res.end();
    return;
  }
  sendJson(res, status, { error: { message: messageOfError(error), type, param, code } });
}


export async function chatCompletions(req: IncomingMessage, res: ServerResponse, router: RouterApi, caller: Caller): Promise<void> {
  const body = validateChat(await readBody(req));
  const request: ChatRequest = fromOpenAIRequest(body);
  const created = Math.floor(Date.now() / 1000);
  if (body.stream !== true) {
    sendJson(res, 200, toOpenAIResponse(await router.chat(request, caller), created));
    return;
  }
  const id = `chatcmpl-${randomUUID()}`;
  let started = false;
  const chunk = (model: string, delta: OpenAIChunk['choices'][0]['delta'], finish: OpenAIChunk['choices'][0]['finish_reason'] = null): OpenAIChunk => ({ id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta, finish_reason: finish }] });
  for await (const event of router.stream(request, caller)) {
    if (!started) {
      startSse(res);
      writeSse(res, chunk(request.model, { role: 'assistant', content: '' }));
      started = true;
    }
    if (event.type === 'text') writeSse(res, chunk(request.model, { content: event.delta }));
    else if (event.type === 'tool_call') {
      writeSse(res, chunk(request.model, { tool_calls: [{ index: event.index, ...(event.id ? { id: event.id, type: 'function' } : {}), function: { ...(event.name ? { name: event.name } : {}), arguments: event.argumentsDelta } }] }));
    } else {
      writeSse(res, chunk(event.response.model, {}, finishOf(event.response.stopReason)));
      if (body.stream_options?.include_usage) writeSse(res, { ...chunk(event.response.model, {}), choices: [], usage: toOpenAIUsage(event.response.usage) });
    }
  }
  writeSse(res, '[DONE]');
  res.end();
}

/** The router names the fields of its own request; the Responses API calls two of them otherwise. */
const RESPONSES_PARAMS: Record<string, string> = { max_tokens: 'max_output_tokens', messages: 'input' };

export async function responses(req: IncomingMessage, res: ServerResponse, router: RouterApi, caller: Caller): Promise<void> {
  const body = validateResponses(await readBody(req));
  try {
    await respond(res, body, router, caller);
  } catch (error) {
    const param = paramOf(error);
    if (param !== null && param in RESPONSES_PARAMS) (error as OctantError).detail!.param = RESPONSES_PARAMS[param];
    throw error;
  }
}

async function respond(res: ServerResponse, body: ResponsesRequest, router: RouterApi, caller: Caller): Promise<void> {
  const request = fromResponsesRequest(body);
  if (body.stream === true) {
    // The first event is awaited before the stream's 200 is written, so a
    // refusal (bad request, budget, no deployment) keeps its own status, as
    // on /v1/chat/completions.
    const events = router.stream(request, caller)[Symbol.asyncIterator]();
    const first = await events.next();
    startSse(res);
    await responsesStream(res, resumed(first, events), body.model);
    res.end();
    return;
  }
  sendJson(res, 200, toResponse(await router.chat(request, caller), body.model));
}

/** The events of a stream whose first result was already taken. */
async function* resumed<T>(first: IteratorResult<T>, rest: AsyncIterator<T>): AsyncIterable<T> {
  for (let next = first; !next.done; next = await rest.next()) yield next.value;
}

export function models(res: ServerResponse, router: RouterApi): void {
  sendJson(res, 200, { object: 'list', data: router.models().map((m) => ({ id: m.id, object: 'model', created: 0, owned_by: m.owner })) });
}

export async function embeddings(req: IncomingMessage, res: ServerResponse, router: RouterApi, caller: Caller): Promise<void> {
  const out = await router.embed(validateEmbeddings(await readBody(req)), caller);
  sendJson(res, 200, {
    object: 'list',
    data: out.vectors.map((embedding, index) => ({ object: 'embedding', index, embedding })),
    model: out.model,
    usage: { prompt_tokens: out.usage.promptTokens, total_tokens: out.usage.promptTokens },
  });
}
