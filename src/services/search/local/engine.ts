// A corpus as an Engine (../types.ts): the query text in the common syntax
// (lib/fts/query-parse.ts), filters, a page of hits with snippets, ranked
// by the relevance ranking for plain words (../rank/ranked-search.ts).
// Runs on the calling thread: a query reads a few pages of the index and
// scores a bounded candidate set (the ranking's depth).

import type { FtsIndex } from '../../../lib/fts/fts-index.ts';
import { hitSnippet } from '../../../lib/fts/fts-search.ts';
import { localSearch } from '../rank/ranked-search.ts';
import type { Engine, EngineCategory, SearchHit } from '../types.ts';
import type { CorpusKind } from './corpus-types.ts';
import type { CorpusSpec } from './registry.ts';

const CATEGORY: Readonly<Record<CorpusKind, EngineCategory>> = {
  files: 'files', man: 'docs', 'usr-doc': 'docs', dpkg: 'packages', git: 'code', zim: 'archive', documents: 'files',
};

export function corpusEngine(spec: CorpusSpec, index: () => FtsIndex): Engine {
  return {
    name: spec.name,
    kind: 'local',
    category: CATEGORY[spec.kind],
    description: spec.description,
    hosts: [],
    async search(query, ctx) {
      ctx.signal.throwIfAborted();
      const fts = index();
      const result = localSearch(fts, query.text, { offset: query.offset, limit: query.limit, filters: query.filters });
      return result.hits.map((hit): SearchHit => {
        const { url, ...meta } = hit.meta;
        return {
          id: hit.id,
          engine: spec.name,
          title: hit.fields.title ?? hit.id,
          ...(typeof url === 'string' ? { url } : {}),
          snippet: hitSnippet(fts, hit, result.query),
          score: hit.score,
          meta,
        };
      });
    },
  };
}
