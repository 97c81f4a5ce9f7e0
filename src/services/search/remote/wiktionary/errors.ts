// Wiktionary's errors are MediaWiki's (API:Errors_and_warnings): a 200 with
// an error object and the MediaWiki-API-Error header (mediawiki-error.ts).

import { mediaWikiErrorReader } from '../mediawiki-error.ts';

export const ENGINE = 'wiktionary';

export const readWiktionaryError = mediaWikiErrorReader(ENGINE);
