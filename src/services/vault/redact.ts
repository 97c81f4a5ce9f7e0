// Leak redaction for text flowing back to an agent, a client or the ledger:
// the values of secrets in play in every encoded form (secret-forms.ts) and
// well-known credential formats (key-formats.ts), replaced by a marker that
// says nothing about which secret it was. See docs/vault.md "Redaction".
//
// One linear scan does everything (pattern-automaton.ts, key-formats.ts), and
// it is a stream: text may arrive in pieces cut anywhere. Text that could
// still become part of a match is held back (at most the longest form or key
// start in progress); every character that belongs to any match is hidden, and
// a run of hidden characters shows as one marker. At the end of the text (a
// cut, a truncation or the real end) a trailing start of a secret form or of a
// key format is withheld too, so a cut never shows the head of a secret.

import { compiledFormats, FormatThreads, isWordUnit, type CompiledFormat, type Report } from './key-formats.ts';
import { PatternAutomaton } from './pattern-automaton.ts';
import { MIN_VALUE_LENGTH, secretForms } from './secret-forms.ts';
import type { WorkerPool } from '../../lib/worker-pool.ts';
import type { RedactionStream } from './types.ts';

export { MIN_VALUE_LENGTH } from './secret-forms.ts';

export const REDACTED = '[REDACTED]';

/** A trailing start of a secret form this long or longer is withheld at the end of a text; shorter ones match ordinary text too often. */
export const PARTIAL_MIN = 3;

/** Text longer than this is redacted in slices of this size, one per event-loop turn (redactAsync). */
export const SLICE_UNITS = 16 * 1024;

/**
 * Text this long or longer goes to the redaction workers when there are any
 * (docs/architecture.md "Heavy work"): 256 Ki code units (256 KiB or more as
 * UTF-8) is about 1 ms of scanning, well above the cost of the hop (copying
 * the text both ways and a message each way, tens of microseconds). Shorter
 * texts are redacted here: for them the hop costs more than the work.
 */
export const WORKER_MIN_UNITS = 256 * 1024;

/** The task a redaction worker runs (redact-worker.ts). */
export interface RedactTask {
  /** The secret values in play when the task was made. */
  values: string[];
  text: string;
}


class Scan implements RedactionStream {
  readonly #ac: PatternAutomaton;
  readonly #formats = compiledFormats();
  readonly #threads: (FormatThreads | undefined)[] = [];
  /** The formats with live threads or a pending match: the only ones stepped. */
  #active: FormatThreads[] = [];
  #state = 0;
  /** Code units consumed so far. */
  #pos = 0;
  /** Text from #base to #pos not yet emitted (parts inside a hidden run are dropped early). */
  #held = '';
  #base = 0;
  /** Hidden runs [start, end), sorted and disjoint. */
  #runStart: number[] = [];
  #runEnd: number[] = [];
  /** The last units consumed before the current piece (a \b check looks one unit before a key start). */
  #tail = '';
  #ended = false;
  readonly #report: Report = (start, end) => {
    const rs = this.#runStart;
    const re = this.#runEnd;
    const last = rs.length - 1;
    // The common case: the last run grows (a key or PEM block being read).
    if (last >= 0 && rs[last] <= start && re[last] >= start) {
      if (end > re[last]) re[last] = end;
      return;
    }
    // Reports end in order, so a new run can only overlap or touch the last ones.
    while (rs.length > 0 && re[re.length - 1] >= start) {
      start = Math.min(start, rs.pop()!);
      end = Math.max(end, re.pop()!);
    }
    rs.push(start);
    re.push(end);
  };

  constructor(automaton: PatternAutomaton) {
    this.#ac = automaton;
  }

  push(text: string): string {
    if (this.#ended) throw new Error('redaction stream: push after end');
    if (text === '') return '';
    const ac = this.#ac;
    const { next, column, width, longestSecret, starts } = ac;
    const report = this.#report;
    const base = this.#pos;
    let state = this.#state;
    this.#held += text;
    for (let j = 0; j < text.length; j++) {
      const unit = text.charCodeAt(j);
      const end = base + j + 1;
      const following = j + 1 < text.length ? text.charCodeAt(j + 1) : -1;
      if (this.#active.length > 0) this.#step(unit, end, following);
      state = next[state * width + column[unit]];
      const longest = longestSecret[state];
      if (longest !== 0) report(end - longest, end);
      const begun = starts[state];
      if (begun !== undefined) {
        for (const { format, length } of begun) {
          const start = end - length;
          const compiled: CompiledFormat = this.#formats[format];
          if (compiled.format.wordStart && isWordUnit(this.#unitAt(start - 1, text, base))) continue;
          const threads = (this.#threads[format] ??= new FormatThreads(compiled));
          if (!this.#active.includes(threads)) this.#active.push(threads);
          threads.spawn(start, end, following, report);
        }
      }
    }
    this.#state = state;
    this.#pos = base + text.length;
    this.#tail = (this.#tail + text).slice(-16);
    // Nothing before `safe` can join a later match.
    let safe = this.#pos - ac.depth[state];
    for (const t of this.#active) safe = Math.min(safe, t.earliest());
    // Never end a piece between the halves of a surrogate pair.
    if (safe > this.#base && safe <= this.#pos && isHighSurrogate(this.#held.charCodeAt(safe - 1 - this.#base))) safe -= 1;
    return this.#emit(safe);
  }

  end(): string {
    if (this.#ended) return '';
    this.#ended = true;
    // Withhold what a cut may have split: an unfinished key and a trailing start of a secret form.
    let withhold = this.#pos;
    for (const t of this.#threads) if (t !== undefined) withhold = Math.min(withhold, t.finish(this.#report));
    const partial = this.#ac.secretPrefix[this.#state];
    if (partial >= PARTIAL_MIN) withhold = Math.min(withhold, this.#pos - partial);
    if (withhold < this.#pos) this.#report(withhold, this.#pos);
    return this.#emit(Infinity);
  }

  #step(unit: number, end: number, next: number): void {
    const active = this.#active;
    let idle = false;
    for (let n = 0; n < active.length; n++) {
      active[n].step(unit, end, next, this.#report);
      idle ||= !active[n].busy;
    }
    if (idle) this.#active = active.filter((t) => t.busy);
  }

  #unitAt(at: number, text: string, base: number): number {
    if (at < 0) return -1;
    if (at >= base) return text.charCodeAt(at - base);
    const tail = this.#tail;
    return tail.charCodeAt(tail.length - (base - at));
  }

  /** Emit everything before `safe` that is final: plain text, and a marker for each hidden run that cannot grow. */
  #emit(safe: number): string {
    const out: string[] = [];
    const rs = this.#runStart;
    const re = this.#runEnd;
    let head = 0;
    while (head < rs.length && rs[head] <= safe) {
      this.#take(rs[head], out);
      if (re[head] >= safe) {
        // The run may still grow: its text is dropped now, its marker comes when it is final.
        this.#take(re[head], null);
        break;
      }
      this.#take(re[head], null);
      out.push(REDACTED);
      head++;
    }
    if (head > 0) {
      rs.splice(0, head);
      re.splice(0, head);
    }
    if (rs.length === 0 || rs[0] > safe) this.#take(safe, out);
    return out.join('');
  }

  /** Move #base up to `to` (at most #pos), emitting the text passed into `out` (or dropping it). */
  #take(to: number, out: string[] | null): void {
    const upto = Math.min(to, this.#pos);
    if (upto <= this.#base) return;
    if (out !== null) out.push(this.#held.slice(0, upto - this.#base));
    this.#held = this.#held.slice(upto - this.#base);
    this.#base = upto;
  }
}

function isHighSurrogate(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdbff;
}

export class Redactor {
  readonly #values = new Set<string>();
  #automaton: PatternAutomaton | null = null;
  #workers: WorkerPool | undefined;

  /** Redact long texts (WORKER_MIN_UNITS and more) in these workers from now on; the pool's owner closes it. */
  useWorkers(pool: WorkerPool | undefined): void {
    this.#workers = pool;
  }

  /** Add a secret value now in play (decrypted for an injection or an operator read, or a header value built from one). */
  add(value: string): void {
    if (value.length < MIN_VALUE_LENGTH || this.#values.has(value)) return;
    this.#values.add(value);
    this.#automaton = null;
  }

  /** Forget every value (seal). JS strings cannot be overwritten: docs/vault.md "Limits". */
  clear(): void {
    this.#values.clear();
    this.#automaton = null;
  }

  get size(): number {
    return this.#values.size;
  }

  /** A stream over the values in play now (values added later are not seen by it). */
  redactStream(): RedactionStream {
    if (this.#automaton === null) {
      const starts = compiledFormats().flatMap((f, format) => f.format.starts.map((literal) => ({ format, literal })));
      this.#automaton = new PatternAutomaton([...this.#values].flatMap(secretForms), starts);
    }
    return new Scan(this.#automaton);
  }

  /** A whole text: one pass, its end treated as a cut. */
  redact(text: string): string {
    const scan = this.redactStream();
    return scan.push(text) + scan.end();
  }

  /**
   * Like redact, but off the event loop's critical path: a long text goes to
   * the workers (the same scan, the same result), or without workers is
   * scanned one slice per event-loop turn, so other work keeps being served.
   * A full worker queue refuses the text (E_WORKERS_BUSY) rather than
   * scanning it here.
   */
  async redactAsync(text: string): Promise<string> {
    if (this.#workers !== undefined && text.length >= WORKER_MIN_UNITS) {
      return this.#workers.run<string>('redact', { values: [...this.#values], text } satisfies RedactTask);
    }
    if (text.length <= SLICE_UNITS) return this.redact(text);
    const scan = this.redactStream();
    return (await pushSliced(scan, text)) + scan.end();
  }
}

/** stream.push(text), a slice per event-loop turn when the text is long (bounded work per turn). */
export async function pushSliced(stream: RedactionStream, text: string): Promise<string> {
  if (text.length <= SLICE_UNITS) return stream.push(text);
  const out: string[] = [];
  for (let at = 0; at < text.length; at += SLICE_UNITS) {
    out.push(stream.push(text.slice(at, at + SLICE_UNITS)));
    await new Promise((resolve) => setImmediate(resolve));
  }
  return out.join('');
}
