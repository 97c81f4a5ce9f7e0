// arXiv API, GET /api/query: an Atom 1.0 feed with OpenSearch and arxiv
// extension elements (https://info.arxiv.org/help/api/user-manual.html,
// §3.3 "The API Response", §3.4 "Errors": an error is a feed with one entry
// whose id is http://arxiv.org/api/errors#... and whose summary explains).
// Element names as they appear (lower-cased by markup.ts):

export const ATOM = {
  entry: 'entry',
  id: 'id',
  title: 'title',
  summary: 'summary',
  published: 'published',
  updated: 'updated',
  author: 'author',
  name: 'name',
  link: 'link',
  primaryCategory: 'arxiv:primary_category',
  totalResults: 'opensearch:totalresults',
} as const;

/** The id prefix of the entry arXiv sends in place of results when the query is wrong. */
export const ERROR_ID_PREFIX = 'http://arxiv.org/api/errors';
