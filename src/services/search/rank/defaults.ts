// The ranking's parameters, chosen for general text (not tuned per query or
// per collection); docs/search.md, "Ranking", says where each comes from.

import type { RankParams } from './ranker.ts';

export const DEFAULT_RANK_PARAMS: RankParams = {
  depth: 300,
  // Robertson's k1 = 1.2, b = 0.75; the title counts twice the body.
  bm25f: { k1: 1.2, fields: { title: { weight: 2, b: 0.75 }, body: { weight: 1, b: 0.75 } } },
  proximity: { weight: 0.5, window: 5, pairs: 'all', k1: 1.2, b: 0.75, fields: ['title', 'body'] },
  rm3: { feedbackDocs: 10, feedbackTerms: 20, originalWeight: 0.5, minFeedbackDocs: 2, maxDocFraction: 0.1, temperature: 0.2, fields: ['title', 'body'] },
  feedbackDepth: 0,
  fuse: false,
  regularize: { depth: 100, neighbours: 10, alpha: 0.5, fields: ['title', 'body'] },
};
