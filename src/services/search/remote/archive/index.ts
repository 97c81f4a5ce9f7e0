// Items of the Internet Archive through its advanced search (Solr JSON output).

import type { Engine } from '../../types.ts';
import { callEngine, parseJson } from '../engine-http.ts';
import { toHits, toSearchUrl } from './convert.ts';
import { ENGINE, readInternetArchiveError } from './errors.ts';

export function createInternetArchiveEngine(): Engine {
  return {
    name: ENGINE,
    kind: 'remote',
    category: 'archive',
    description: 'Internet Archive items: books, texts, audio, video, software (advancedsearch)',
    hosts: ['archive.org'],
    async search(query, ctx) {
      const answer = await callEngine(ENGINE, ctx, { url: toSearchUrl(query), accept: 'application/json', readError: readInternetArchiveError });
      return toHits(parseJson(ENGINE, answer.body), query);
    },
  };
}
