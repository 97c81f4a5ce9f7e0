// A small in-memory RankSource for the ranking's tests: documents are
// whitespace-separated words per field, statistics exact, candidates every
// document holding a term (in id order: the ranking must not depend on it).

import type { RankSource } from '../source.ts';
import type { TermDoc } from '../types.ts';

export function memorySource(raw: Record<string, Record<string, string>>): RankSource {
  const docs = new Map<string, TermDoc>();
  for (const [id, fields] of Object.entries(raw)) {
    docs.set(id, { id, fields: Object.fromEntries(Object.entries(fields).map(([f, text]) => [f, text.split(/\s+/).filter(Boolean)])) });
  }
  const lengths: Record<string, number> = {};
  for (const doc of docs.values()) for (const [f, toks] of Object.entries(doc.fields)) lengths[f] = (lengths[f] ?? 0) + toks.length;
  const holds = (doc: TermDoc, term: string): boolean => Object.values(doc.fields).some((toks) => toks.includes(term));
  return {
    stats: {
      docCount: docs.size,
      avgFieldLength: Object.fromEntries(Object.entries(lengths).map(([f, n]) => [f, n / docs.size])),
      docFreq: (term) => [...docs.values()].filter((d) => holds(d, term)).length,
    },
    candidates: (terms, limit) => [...docs.values()].filter((d) => terms.some((t) => holds(d, t))).map((d) => d.id).slice(0, limit),
    docs: (ids) => new Map(ids.flatMap((id) => { const d = docs.get(id); return d === undefined ? [] : [[id, d] as const]; })),
  };
}
