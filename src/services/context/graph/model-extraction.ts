// Runs T4's extraction by a model in the background (docs/memory.md
// "Extraction by a model"). The graph tier indexes every memory with the
// rules first, on the write path (graph-tier.ts); then, for a memory whose
// partition may send its text to the configured deployment (`gate`), this
// queues one job that asks the model (model-extract.ts) and, if its answer
// passes every check, replaces that memory's rule-based rows with the
// model's. The agent's put never waits for a model: the memory is durable
// and findable before the job even starts.
//
// Log first: the ledger entry saying which partition's memory goes to which
// deployment (and how many bytes, never the text) is durable before the
// request is made; a ledger that refuses means nothing is sent. Every
// outcome is recorded: `memory.extract.done` with the counts, or
// `memory.extract.fallback` with why the rules' extraction was kept.
//
// A memory forgotten or re-written while its job runs is never written back
// (the job's ticket no longer matches; checked inside the graph's
// transaction, which forgets also take).

import { messageOf } from '../../../lib/errors.ts';
import type { LedgerAppend } from '../../ledger/api.ts';
import type { Memory, Partition } from '../types.ts';
import type { Extracted } from './extract.ts';
import { DEFAULT_LIMITS, MAX_TEXT_CHARS, checkExtraction, extractionMessages, type ExtractLimits } from './model-extract.ts';

/** One chat completion through the router: the deployment, the messages -> the reply's text. */
export type ExtractChat = (request: { model: string; messages: { role: 'system' | 'user'; content: string }[]; maxTokens: number; temperature: number; responseFormat: 'json' }) => Promise<{ content: string }>;

/** What the extraction needs of the graph tier. */
export interface ExtractionTarget {
  /** Replace memory's rows with `extracted` if `current()` still holds, in one transaction; whether it did. */
  replaceExtraction(memory: Memory, extracted: Extracted, current: () => boolean): Promise<boolean>;
}

export interface ModelExtractionOptions {
  /** The deployment a partition's memory may be sent to (its manifest's memory.remoteExtractor, when it is the configured one); undefined: rules only. */
  gate(partition: Partition): string | undefined;
  chat: ExtractChat;
  ledger: LedgerAppend;
  /** Why a memory kept the rules' extraction, besides the ledger (the service's log). */
  onFallback?(partition: Partition, id: string, reason: string): void;
  limits?: ExtractLimits;
  /** Jobs waiting at most; beyond, a memory keeps the rules' extraction (default 1000). */
  queueLimit?: number;
  /** Requests at once (default 2). */
  concurrency?: number;
  maxTokens?: number;
}

export interface ModelExtraction {
  /** The graph tier indexed these memories (committed): queue the ones whose partition may use the model. */
  added(memories: readonly Memory[]): void;
  /** A memory is being forgotten: a job of it must not write back. */
  removed(partition: Partition, id: string): void;
  /** Wait until no job is queued or running (tests, stop). */
  idle(): Promise<void>;
  /** Stop taking jobs; queued ones are dropped (their memories keep the rules' extraction). */
  close(): Promise<void>;
}

interface Job {
  memory: Memory;
  deployment: string;
  ticket: symbol;
}

export function modelExtraction(target: ExtractionTarget, options: ModelExtractionOptions): ModelExtraction {
  const limits = options.limits ?? DEFAULT_LIMITS;
  const queueLimit = options.queueLimit ?? 1000;
  const concurrency = options.concurrency ?? 2;
  const queue: Job[] = [];
  /** The job a memory is waiting for: a forget or a newer add replaces or deletes it. */
  const tickets = new Map<string, symbol>();
  let running = 0;
  let recording = 0;
  let closed = false;
  let waiters: (() => void)[] = [];
  const keyOf = (partition: Partition, id: string): string => `${partition}\u0000${id}`;

  const record = async (job: Job, action: string, decision: string, detail: Record<string, unknown>): Promise<void> => {
    await options.ledger({ agent: 'system', lineage: [], kind: 'memory', action, target: `memory:${job.memory.partition}`, decision, detail: { id: job.memory.id, deployment: job.deployment, ...detail } });
  };

  const fallback = async (job: Job, reason: string, count = 1): Promise<void> => {
    options.onFallback?.(job.memory.partition, job.memory.id, reason);
    try {
      await record(job, 'memory.extract.fallback', 'fallback', { reason, ...(count > 1 ? { count } : {}) });
    } catch (error) {
      options.onFallback?.(job.memory.partition, job.memory.id, `the ledger refused the fallback record: ${messageOf(error)}`);
    }
  };

  async function run(job: Job): Promise<void> {
    const key = keyOf(job.memory.partition, job.memory.id);
    const current = (): boolean => tickets.get(key) === job.ticket;
    if (!current()) return;
    const { text, key: factKey } = job.memory;
    try {
      // Log first: durable before the text leaves the machine.
      await record(job, 'memory.extract', 'allow', { bytes: Buffer.byteLength(text) });
    } catch (error) {
      await fallback(job, `not sent: the ledger refused the record (${messageOf(error)})`);
      return;
    }
    let reply: string;
    try {
      reply = (await options.chat({ model: job.deployment, messages: extractionMessages(text, factKey), maxTokens: options.maxTokens ?? 2048, temperature: 0, responseFormat: 'json' })).content;
    } catch (error) {
      await fallback(job, `the model call failed: ${messageOf(error)}`);
      return;
    }
    let extracted: ReturnType<typeof checkExtraction>;
    try {
      extracted = checkExtraction(reply, text, factKey, limits);
    } catch (error) {
      await fallback(job, `the model's answer was refused: ${messageOf(error)}`);
      return;
    }
    const written = await target.replaceExtraction(job.memory, extracted, current);
    if (current()) tickets.delete(key);
    if (written) await record(job, 'memory.extract.done', 'ok', { entities: extracted.entities.size, relations: extracted.relations.length, dropped: extracted.dropped });
  }

  const settle = (): void => {
    if (running === 0 && recording === 0 && queue.length === 0) {
      const w = waiters;
      waiters = [];
      for (const resolve of w) resolve();
    }
  };

  /** A record made outside a job (fallback never rejects): idle() waits for it too. */
  const track = (p: Promise<void>): void => {
    recording++;
    void p.finally(() => {
      recording--;
      settle();
    });
  };

  const pump = (): void => {
    while (!closed && running < concurrency && queue.length > 0) {
      const job = queue.shift()!;
      running++;
      run(job)
        .catch((error: unknown) => fallback(job, `extraction failed: ${messageOf(error)}`))
        .catch(() => undefined)
        .finally(() => {
          running--;
          pump();
          settle();
        });
    }
    settle();
  };

  return {
    added(memories) {
      // Memories not sent, by reason: one record per reason and partition for
      // the whole batch (a bulk import past the queue must not flood the ledger).
      const skipped = new Map<string, { job: Job; ids: string[] }>();
      const skip = (job: Job, reason: string): void => {
        const at = `${job.memory.partition}\u0000${reason}`;
        const entry = skipped.get(at) ?? { job, ids: [] };
        entry.ids.push(job.memory.id);
        skipped.set(at, entry);
      };
      for (const memory of memories) {
        const key = keyOf(memory.partition, memory.id);
        tickets.delete(key);
        // A relate() memory states its edge exactly; there is nothing to extract.
        if (closed || memory.relation !== undefined) continue;
        const deployment = options.gate(memory.partition);
        if (deployment === undefined) continue;
        const job: Job = { memory, deployment, ticket: Symbol(memory.id) };
        if (memory.text.length > MAX_TEXT_CHARS) skip(job, `not sent: the text has more than ${MAX_TEXT_CHARS} characters`);
        else if (queue.length >= queueLimit) skip(job, `not sent: ${queueLimit} extractions are already waiting`);
        else {
          tickets.set(key, job.ticket);
          queue.push(job);
        }
      }
      for (const [at, { job, ids }] of skipped) {
        const reason = at.slice(at.indexOf('\u0000') + 1);
        track(fallback(job, ids.length === 1 ? reason : `${reason} (${ids.length} memories: ${ids.slice(0, 5).join(', ')}${ids.length > 5 ? ', ...' : ''})`, ids.length));
      }
      pump();
    },
    removed(partition, id) {
      tickets.delete(keyOf(partition, id));
    },
    idle() {
      if (running === 0 && recording === 0 && queue.length === 0) return Promise.resolve();
      return new Promise((resolve) => waiters.push(resolve));
    },
    async close() {
      closed = true;
      queue.length = 0;
      tickets.clear();
      await this.idle();
    },
  };
}
