// DuckDuckGo's no-JavaScript result page: a form POST to
// https://html.duckduckgo.com/html/ (fields q, b, kl), answered with HTML.
// DuckDuckGo documents no API for web results; the page structure below is
// what the page serves (the same markers SearXNG's engine reads:
// https://github.com/searxng/searxng/blob/master/searx/engines/duckduckgo.py).

export const PAGE = {
  /** Each organic result: div.result.web-result inside #links (ads carry result--ad). */
  result: '#links .web-result',
  ad: 'result--ad',
  /** The result link: h2 > a.result__a (href may be a //duckduckgo.com/l/?uddg= redirect). */
  link: 'h2 a',
  snippet: '.result__snippet',
  /** The bot check served instead of results. */
  challenge: '#challenge-form',
  /** "No results" marker. */
  noResults: '.no-results',
} as const;

export const FORM_URL = 'https://html.duckduckgo.com/html/';
