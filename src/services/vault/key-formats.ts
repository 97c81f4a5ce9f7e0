// Well-known credential formats (vendor documentation of each prefix), as
// data, and a matcher for them that runs in linear time on any input.
//
// A format is a start literal (found by the pattern automaton) followed by
// parts: literals and character-class runs with a minimum and maximum count.
// Matching simulates the automaton of all candidate starts at once (a Pike
// VM): one thread per state, the earliest start kept when two threads reach
// the same state, so the work per input code unit is bounded by the number of
// states, never by how much text came before. Regular expressions would
// backtrack (the old PEM pattern took 26 s on 2 MiB).

type Part = { literal: string } | { chars: string; min: number; max: number };

export interface KeyFormat {
  name: string;
  /** Literals a match starts with. */
  starts: string[];
  /** The character before the start must not be a word character (regex \b). */
  wordStart: boolean;
  parts: Part[];
  /** The character after the match must not be a word character (regex \b). */
  wordEnd: boolean;
  /** A thread in this part or later is a match (a PEM block shows nothing after its header). */
  acceptFrom?: number;
  /** Reaching the end of the parts closes the block: other threads of the same start stop (a PEM footer). */
  closes?: boolean;
}

const ALNUM = 'A-Za-z0-9';
const TOKEN = `${ALNUM}_-`;
const PEM_LABEL = 'A-Z0-9 ';
// Base64 lines, RFC 1421 headers ("Proc-Type: 4,ENCRYPTED"), JSON-escaped newlines.
const PEM_BODY = `${ALNUM}+/= \t\r\n:,\\-`;

export const KEY_FORMATS: readonly KeyFormat[] = [
  // OpenAI (sk-, sk-proj-, sk-svcacct-) and Anthropic (sk-ant-): the same shape.
  { name: 'sk', starts: ['sk-'], wordStart: true, parts: [{ chars: TOKEN, min: 16, max: Infinity }], wordEnd: false },
  { name: 'aws-access-key-id', starts: ['AKIA', 'ASIA'], wordStart: true, parts: [{ chars: 'A-Z0-9', min: 16, max: 16 }], wordEnd: true },
  { name: 'github', starts: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'], wordStart: true, parts: [{ chars: ALNUM, min: 36, max: Infinity }], wordEnd: true },
  { name: 'github-pat', starts: ['github_pat_'], wordStart: true, parts: [{ chars: `${ALNUM}_`, min: 22, max: Infinity }], wordEnd: true },
  { name: 'slack', starts: ['xoxb-', 'xoxp-', 'xoxo-', 'xoxa-', 'xoxs-'], wordStart: true, parts: [{ chars: `${ALNUM}-`, min: 10, max: Infinity }], wordEnd: false },
  { name: 'google-api-key', starts: ['AIza'], wordStart: true, parts: [{ chars: TOKEN, min: 35, max: 35 }], wordEnd: true },
  // JWT compact serialization (RFC 7519 §3): header.payload.signature, both JSON parts starting '{"'.
  {
    name: 'jwt', starts: ['eyJ'], wordStart: true, wordEnd: false,
    parts: [{ chars: TOKEN, min: 5, max: Infinity }, { literal: '.eyJ' }, { chars: TOKEN, min: 5, max: Infinity }, { literal: '.' }, { chars: TOKEN, min: 10, max: Infinity }],
  },
  // PEM private keys (RFC 7468 §2): from the header on, a block is hidden up
  // to its footer, or up to the first character no PEM body has.
  {
    name: 'pem-private-key', starts: ['-----BEGIN '], wordStart: false, wordEnd: false, acceptFrom: 2, closes: true,
    parts: [
      { chars: PEM_LABEL, min: 0, max: 64 }, { literal: 'PRIVATE KEY-----' },
      { chars: PEM_BODY, min: 0, max: Infinity },
      { literal: '-----END ' }, { chars: PEM_LABEL, min: 0, max: 64 }, { literal: '-----' },
    ],
  },
];

/** An ASCII class like 'A-Za-z0-9_-' (a '-' that ends a range is literal) as a lookup table. */
function classTable(spec: string): Uint8Array {
  const table = new Uint8Array(128);
  for (let i = 0; i < spec.length; i++) {
    if (spec[i + 1] === '-' && i + 2 < spec.length) {
      for (let c = spec.charCodeAt(i); c <= spec.charCodeAt(i + 2); c++) table[c] = 1;
      i += 2;
    } else {
      table[spec.charCodeAt(i)] = 1;
    }
  }
  return table;
}

export function isWordUnit(unit: number): boolean {
  return (unit >= 48 && unit <= 57) || (unit >= 65 && unit <= 90) || (unit >= 97 && unit <= 122) || unit === 95;
}

interface CompiledPart {
  literal?: string;
  table?: Uint8Array;
  min: number;
  max: number;
  /** Counts above this behave alike (max if finite, else min). */
  cap: number;
  /** First state id of this part. */
  base: number;
}

/** Called for each match: [start, end) in absolute offsets of the text. */
export type Report = (start: number, end: number) => void;

/** Where a thread lands after a move: the states it is then in (epsilon moves followed), and whether that is a match. */
interface Landing {
  states: Int32Array;
  accepts: boolean;
  /** A footer was completed: the block is closed (other threads of the same start stop). */
  closes: boolean;
}

/**
 * A format compiled once: one state per (part, count), what unit each state
 * takes, and for each state the landing after it takes one (epsilon closures
 * computed here, so matching does no recursion).
 */
export class CompiledFormat {
  readonly format: KeyFormat;
  /** state * 128 + unit -> 1 if the state takes that ASCII unit (every literal and class is ASCII). */
  readonly takesTable: Uint8Array;
  /** Per state: the landing after taking a unit. */
  readonly after: Landing[];
  /** The landing of a new thread (its start literal just matched). */
  readonly spawn: Landing;

  constructor(format: KeyFormat) {
    this.format = format;
    let base = 0;
    const parts = format.parts.map((p) => {
      const compiled: CompiledPart = 'literal' in p
        ? { literal: p.literal, min: p.literal.length, max: p.literal.length, cap: p.literal.length - 1, base }
        : { table: classTable(p.chars), min: p.min, max: p.max, cap: Number.isFinite(p.max) ? p.max : p.min, base };
      base += compiled.cap + 1;
      return compiled;
    });
    this.takesTable = new Uint8Array(base * 128);
    const acceptFrom = format.acceptFrom ?? Infinity;
    // The states entering part i with count k leads to.
    const land = (i0: number, k0: number): Landing => {
      const states = new Set<number>();
      let accepts = false;
      let closes = false;
      const enter = (i: number, k: number): void => {
        if (i >= acceptFrom) accepts = true;
        if (i === parts.length) {
          accepts = true;
          closes ||= format.closes === true;
          return;
        }
        const part = parts[i];
        if (part.literal !== undefined) {
          if (k === part.literal.length) enter(i + 1, 0);
          else states.add(part.base + k);
          return;
        }
        if (k < part.max) states.add(part.base + k);
        if (k >= part.min) enter(i + 1, 0);
      };
      enter(i0, k0);
      return { states: Int32Array.from(states), accepts, closes };
    };
    this.after = new Array(base);
    parts.forEach((p, i) => {
      for (let k = 0; k <= p.cap; k++) {
        const id = p.base + k;
        if (p.literal !== undefined) {
          this.takesTable[id * 128 + p.literal.charCodeAt(k)] = 1;
          this.after[id] = land(i, k + 1);
        } else {
          if (k < p.max) this.takesTable.set(p.table!, id * 128);
          this.after[id] = land(i, Math.min(k + 1, p.cap));
        }
      }
    });
    this.spawn = land(0, 0);
  }

  /** Does the thread in state `id` take `unit`? */
  takes(id: number, unit: number): boolean {
    return unit < 128 && this.takesTable[id * 128 + unit] === 1;
  }
}

let compiled: readonly CompiledFormat[] | undefined;

/** KEY_FORMATS compiled, on first use (nothing runs at import time). */
export function compiledFormats(): readonly CompiledFormat[] {
  return (compiled ??= KEY_FORMATS.map((f) => new CompiledFormat(f)));
}

/** The live threads of one format over one text (or stream). */
export class FormatThreads {
  readonly format: KeyFormat;
  readonly #compiled: CompiledFormat;
  /** Start of the thread in each state, -1 if none; the live states listed in #live[0..#liveCount). */
  #starts: Float64Array;
  #nextStarts: Float64Array;
  #live: Int32Array;
  #liveCount = 0;
  #nextLive: Int32Array;
  #nextCount = 0;
  /** A match waiting for the next code unit to show it ends on a word boundary. */
  #pendingStart = -1;
  #pendingEnd = -1;
  /** Start whose block a footer closed during this step. */
  #closed = -1;
  /** The last match reported (a thread in several states reports the same one). */
  #lastStart = -1;
  #lastEnd = -1;

  constructor(compiled: CompiledFormat) {
    this.format = compiled.format;
    this.#compiled = compiled;
    const states = compiled.after.length;
    this.#starts = new Float64Array(states).fill(-1);
    this.#nextStarts = new Float64Array(states).fill(-1);
    this.#live = new Int32Array(states);
    this.#nextLive = new Int32Array(states);
  }

  /** True while a thread or a pending match may still report. */
  get busy(): boolean {
    return this.#liveCount > 0 || this.#pendingStart >= 0;
  }

  /** The earliest start any future report of this format can have, or Infinity. */
  earliest(): number {
    let min = this.#pendingStart >= 0 ? this.#pendingStart : Infinity;
    for (let n = 0; n < this.#liveCount; n++) min = Math.min(min, this.#starts[this.#live[n]]);
    return min;
  }

  /**
   * The start literal ended at `end` (its first unit at `start`, already
   * checked for \b). `next` is the unit that follows, or -1 if not known yet:
   * a thread that cannot take it is not kept (it would die on the next step).
   */
  spawn(start: number, end: number, next: number, report: Report): void {
    this.#land(this.#compiled.spawn, start, end, next, report);
    this.#commit();
  }

  /** Advance every thread over `unit`, which ends at `end` (`next` as for spawn). */
  step(unit: number, end: number, next: number, report: Report): void {
    if (this.#pendingStart >= 0) {
      if (!isWordUnit(unit)) report(this.#pendingStart, this.#pendingEnd);
      this.#pendingStart = -1;
    }
    const compiled = this.#compiled;
    const live = this.#live;
    const count = this.#liveCount;
    this.#liveCount = 0;
    for (let n = 0; n < count; n++) {
      const id = live[n];
      const start = this.#starts[id];
      this.#starts[id] = -1;
      if (compiled.takes(id, unit)) this.#land(compiled.after[id], start, end, next, report);
    }
    // Every live thread moved: the landed set simply becomes the live one.
    if (this.#closed >= 0) this.#dropClosed();
    [this.#starts, this.#nextStarts] = [this.#nextStarts, this.#starts];
    [this.#live, this.#nextLive] = [this.#nextLive, this.#live];
    this.#liveCount = this.#nextCount;
    this.#nextCount = 0;
  }

  /** Drop the landed threads of the block a footer closed. */
  #dropClosed(): void {
    let kept = 0;
    for (let n = 0; n < this.#nextCount; n++) {
      const id = this.#nextLive[n];
      if (this.#nextStarts[id] === this.#closed) this.#nextStarts[id] = -1;
      else this.#nextLive[kept++] = id;
    }
    this.#nextCount = kept;
    this.#closed = -1;
  }

  /** End of text: a pending match is confirmed (the end is a word boundary). Returns the earliest unfinished start. */
  finish(report: Report): number {
    if (this.#pendingStart >= 0) report(this.#pendingStart, this.#pendingEnd);
    this.#pendingStart = -1;
    const earliest = this.earliest();
    for (let n = 0; n < this.#liveCount; n++) this.#starts[this.#live[n]] = -1;
    this.#liveCount = 0;
    return earliest;
  }

  #land(landing: Landing, start: number, end: number, next: number, report: Report): void {
    const compiled = this.#compiled;
    const states = landing.states;
    for (let n = 0; n < states.length; n++) {
      const id = states[n];
      if (next >= 0 && !compiled.takes(id, next)) continue;
      const known = this.#nextStarts[id];
      if (known < 0) {
        this.#nextLive[this.#nextCount++] = id;
        this.#nextStarts[id] = start;
      } else if (start < known) {
        this.#nextStarts[id] = start;
      }
    }
    if (landing.accepts) this.#accept(start, end, report);
    if (landing.closes) this.#closed = start;
  }

  /** Merge the threads a spawn landed into the live set (closed blocks dropped). */
  #commit(): void {
    for (let n = 0; n < this.#nextCount; n++) {
      const id = this.#nextLive[n];
      const start = this.#nextStarts[id];
      this.#nextStarts[id] = -1;
      if (start === this.#closed) continue;
      const known = this.#starts[id];
      if (known < 0) {
        this.#live[this.#liveCount++] = id;
        this.#starts[id] = start;
      } else if (start < known) {
        this.#starts[id] = start;
      }
    }
    this.#nextCount = 0;
    this.#closed = -1;
  }

  #accept(start: number, end: number, report: Report): void {
    if (this.format.wordEnd) {
      // Confirmed by the next unit (step) or the end of the text (finish).
      if (this.#pendingStart < 0 || start < this.#pendingStart) this.#pendingStart = start;
      this.#pendingEnd = end;
      return;
    }
    if (end === this.#lastEnd && start >= this.#lastStart) return;
    this.#lastStart = start;
    this.#lastEnd = end;
    report(start, end);
  }
}
