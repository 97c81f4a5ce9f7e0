// The ledger as a local engine, for operators only (agents never get it:
// engine-set.ts OPERATOR_ONLY_CATEGORIES). It reads the log on disk without
// the writer lock, a slice of entries per event-loop turn, so a long ledger
// never stalls the loop that serves agents; what it has not read when its
// time is up is not searched (the report says the engine timed out).
//
// Query syntax: words (all must occur, case-insensitive, anywhere in the
// entry), "a phrase", -word (must not occur), and field:value on the
// entry's own fields (agent, kind, action, target, decision), which the
// query's filters can give too. Operators' own queries (kind search) are
// left out unless the query asks for kind:search. The best hits have the most occurrences,
// then the newest first.

import type { LedgerEntry, LedgerMark } from '../ledger/api.ts';
import type { Engine, SearchHit, SearchQuery } from './types.ts';

/** forEachEntryFrom of the ledger's api, bound to the ledger's directory. */
export type LedgerScan = (from: LedgerMark, visit: (entry: LedgerEntry, at: LedgerMark) => boolean | void) => boolean;

const FIELDS = ['agent', 'kind', 'action', 'target', 'decision'] as const;
type Field = (typeof FIELDS)[number];

interface ParsedQuery {
  must: string[];
  not: string[];
  fields: Partial<Record<Field, string>>;
}

/** Entries read per event-loop turn. */
const SLICE = 2000;
/** Characters of an entry's detail searched and shown (a detail can be 64 KiB). */
const DETAIL_CHARS = 2000;

export function parseLedgerQuery(text: string, filters: Readonly<Record<string, string>> = {}): ParsedQuery {
  const parsed: ParsedQuery = { must: [], not: [], fields: {} };
  for (const [key, value] of Object.entries(filters)) if ((FIELDS as readonly string[]).includes(key)) parsed.fields[key as Field] = value;
  for (const match of text.matchAll(/(-?)(?:"([^"]*)"|(\S+))/g)) {
    const negated = match[1] === '-';
    const phrase = match[2];
    const word = match[3];
    const term = (phrase ?? word ?? '').toLowerCase().trim();
    if (term === '') continue;
    const field = phrase === undefined ? /^([a-z]+):(.+)$/.exec(word ?? '') : null;
    if (field !== null && (FIELDS as readonly string[]).includes(field[1]) && !negated) parsed.fields[field[1] as Field] = field[2];
    else (negated ? parsed.not : parsed.must).push(term);
  }
  return parsed;
}

function entryText(entry: LedgerEntry): string {
  const detail = entry.detail === undefined ? '' : JSON.stringify(entry.detail).slice(0, DETAIL_CHARS);
  return `${entry.agent} ${entry.kind} ${entry.action} ${entry.target} ${entry.decision} ${detail}`;
}

function occurrences(haystack: string, needle: string): number {
  let count = 0;
  for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + needle.length)) count++;
  return count;
}

/** The entry's text around the first match, matched terms wrapped in « and ». */
function snippet(text: string, terms: readonly string[]): string {
  const lower = text.toLowerCase();
  const first = Math.min(...terms.map((t) => lower.indexOf(t)).filter((i) => i !== -1), text.length);
  const start = Math.max(0, first - 60);
  let piece = text.slice(start, start + 240);
  for (const term of [...terms].sort((a, b) => b.length - a.length)) {
    piece = piece.replace(new RegExp(term.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gi'), (m) => `«${m}»`);
  }
  return `${start > 0 ? '…' : ''}${piece}${start + 240 < text.length ? '…' : ''}`;
}

function matches(entry: LedgerEntry, q: ParsedQuery): number {
  // An operator's own queries are recorded (kind search) before they run, so
  // every query would find itself: they are searched only when asked for.
  if (entry.kind === 'search' && q.fields.kind === undefined) return 0;
  for (const field of FIELDS) {
    const want = q.fields[field];
    if (want !== undefined && String(entry[field]).toLowerCase() !== want.toLowerCase()) return 0;
  }
  const text = entryText(entry).toLowerCase();
  if (q.not.some((t) => text.includes(t))) return 0;
  let score = 0;
  for (const term of q.must) {
    const n = occurrences(text, term);
    if (n === 0) return 0;
    score += n;
  }
  return q.must.length === 0 ? 1 : score;
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export function ledgerEngine(scan: LedgerScan, first: LedgerMark): Engine {
  return {
    name: 'ledger',
    kind: 'local',
    category: 'ledger',
    description: 'the ledger: every action, decision and outcome (operators only)',
    hosts: [],
    async search(query: SearchQuery, ctx): Promise<SearchHit[]> {
      const q = parseLedgerQuery(query.text, query.filters);
      const want = query.offset + query.limit;
      let best: { entry: LedgerEntry; score: number }[] = [];
      let from: LedgerMark | undefined = first;
      while (from !== undefined) {
        ctx.signal.throwIfAborted();
        let read = 0;
        let resume: LedgerMark | undefined;
        scan(from, (entry, at) => {
          if (read === SLICE) { resume = at; return false; }
          read++;
          const score = matches(entry, q);
          if (score > 0) best.push({ entry, score });
          return true;
        });
        // Keep the top hits only: memory stays bounded however many entries match.
        if (best.length > want * 4) best = ranked(best).slice(0, want);
        from = resume;
        if (from !== undefined) await nextTurn();
      }
      return ranked(best).slice(0, want).map(({ entry, score }) => ({
        id: String(entry.seq),
        engine: 'ledger',
        title: `#${entry.seq} ${entry.agent} ${entry.action} ${entry.decision}`,
        snippet: snippet(entryText(entry), q.must),
        score,
        meta: { time: entry.time, agent: entry.agent, kind: entry.kind, action: entry.action, decision: entry.decision },
      }));
    },
  };
}

function ranked(list: { entry: LedgerEntry; score: number }[]): { entry: LedgerEntry; score: number }[] {
  return list.sort((a, b) => b.score - a.score || b.entry.seq - a.entry.seq);
}
