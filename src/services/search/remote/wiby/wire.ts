// Wiby's JSON output, GET /json/?q=&p= (https://wiby.me/about/, "JSON
// output"): a list of results, 12 a page.

export interface WibyResult {
  URL: string;
  Title: string;
  Snippet: string;
}

export type WibyResults = WibyResult[];
