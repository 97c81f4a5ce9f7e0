// Biomedical literature through PubMed's E-utilities: ESearch finds the
// PMIDs, ESummary describes them (two requests a query, within NCBI's three
// a second without a key).

import type { Engine } from '../../types.ts';
import { callEngine, parseJson } from '../engine-http.ts';
import { idsOf, toHits, toSearchUrl, toSummaryUrl } from './convert.ts';
import { ENGINE, readPubMedError } from './errors.ts';

export function createPubMedEngine(): Engine {
  return {
    name: ENGINE,
    kind: 'remote',
    category: 'science',
    description: 'Biomedical literature (PubMed via NCBI E-utilities esearch + esummary)',
    hosts: ['eutils.ncbi.nlm.nih.gov'],
    async search(query, ctx) {
      const found = await callEngine(ENGINE, ctx, { url: toSearchUrl(query), accept: 'application/json', readError: readPubMedError });
      const ids = idsOf(parseJson(ENGINE, found.body));
      if (ids.length === 0) return [];
      const summary = await callEngine(ENGINE, ctx, { url: toSummaryUrl(ids), accept: 'application/json', readError: readPubMedError });
      return toHits(parseJson(ENGINE, summary.body), ids, query);
    },
  };
}
