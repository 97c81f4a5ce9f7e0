// Mojeek's result page, GET https://www.mojeek.com/search?q= (HTML; its
// paid JSON API needs a key, which would identify us:
// https://www.mojeek.com/support/api/search/request_parameters.html).
// The page's markers (as SearXNG's engine reads them:
// https://github.com/searxng/searxng/blob/master/searx/engines/mojeek.py):

export const PAGE = {
  /** The organic list and each result in it. */
  list: 'ul.results-standard',
  result: 'ul.results-standard li',
  /** The result's link (a.ob), its title (h2 a) and snippet (p.s). */
  link: 'a.ob',
  title: 'h2 a',
  snippet: 'p.s',
  /** Shown when nothing matched. */
  noResults: '.no-results',
} as const;
