// Every remote engine adapter, one line each. `tested` is true only for an
// adapter whose folder has a fixture test run through engineConformance
// (registry.test.ts fails otherwise), so the count `octant search engines`
// shows is the count of adapters proven against their engine's wire format.
// Engines are made on demand: nothing here runs at import time.

import type { Engine } from '../types.ts';
import { createInternetArchiveEngine } from './archive/index.ts';
import { createArchLinuxEngine } from './archlinux/index.ts';
import { createArxivEngine } from './arxiv/index.ts';
import { createAurEngine } from './aur/index.ts';
import { createCodebergEngine } from './codeberg/index.ts';
import { createCratesEngine } from './crates/index.ts';
import { createCrossrefEngine } from './crossref/index.ts';
import { createDataCiteEngine } from './datacite/index.ts';
import { createDblpEngine } from './dblp/index.ts';
import { createDebianEngine } from './debian/index.ts';
import { createDoajEngine } from './doaj/index.ts';
import { createDuckDuckGoEngine } from './duckduckgo/index.ts';
import { createEuropePmcEngine } from './europepmc/index.ts';
import { createGitHubEngine } from './github/index.ts';
import { createGitLabEngine } from './gitlab/index.ts';
import { createGoogleNewsEngine } from './googlenews/index.ts';
import { createGutenbergEngine } from './gutenberg/index.ts';
import { createHackerNewsEngine } from './hackernews/index.ts';
import { createHalEngine } from './hal/index.ts';
import { createHexEngine } from './hex/index.ts';
import { createInspireHepEngine } from './inspirehep/index.ts';
import { createLibraryOfCongressEngine } from './loc/index.ts';
import { createMavenEngine } from './maven/index.ts';
import { createMdnEngine } from './mdn/index.ts';
import { createNpmEngine } from './npm/index.ts';
import { createMojeekEngine } from './mojeek/index.ts';
import { createNominatimEngine } from './nominatim/index.ts';
import { createNuGetEngine } from './nuget/index.ts';
import { createOpenAlexEngine } from './openalex/index.ts';
import { createOpenLibraryEngine } from './openlibrary/index.ts';
import { createPackagistEngine } from './packagist/index.ts';
import { createPhotonEngine } from './photon/index.ts';
import { createPubChemEngine } from './pubchem/index.ts';
import { createPubMedEngine } from './pubmed/index.ts';
import { createPyPiEngine } from './pypi/index.ts';
import { createRubyGemsEngine } from './rubygems/index.ts';
import { createSemanticScholarEngine } from './semanticscholar/index.ts';
import { createStackExchangeEngine } from './stackexchange/index.ts';
import { createWibyEngine } from './wiby/index.ts';
import { createWikidataEngine } from './wikidata/index.ts';
import { createWikipediaEngine } from './wikipedia/index.ts';
import { createWiktionaryEngine } from './wiktionary/index.ts';
import { createZenodoEngine } from './zenodo/index.ts';

export interface RemoteEngine extends Engine {
  kind: 'remote';
  /** Has a fixture test over real HTTP (registry.test.ts checks the claim). */
  tested: boolean;
  /** The engine's public documentation of what the adapter uses. */
  docs: string;
}

interface Adapter {
  create(): Engine;
  tested: boolean;
  docs: string;
}

// Folder name = engine name (registry.test.ts checks that too).
const ADAPTERS: readonly Adapter[] = [
  { create: createInternetArchiveEngine, tested: true, docs: 'https://archive.org/advancedsearch.php' },
  { create: createArchLinuxEngine, tested: true, docs: 'https://wiki.archlinux.org/title/Official_repositories_web_interface' },
  { create: createArxivEngine, tested: true, docs: 'https://info.arxiv.org/help/api/user-manual.html' },
  { create: createAurEngine, tested: true, docs: 'https://wiki.archlinux.org/title/Aurweb_RPC_interface' },
  { create: createCodebergEngine, tested: true, docs: 'https://codeberg.org/api/swagger' },
  { create: createCratesEngine, tested: true, docs: 'https://crates.io/data-access' },
  { create: createCrossrefEngine, tested: true, docs: 'https://api.crossref.org/swagger-ui/index.html' },
  { create: createDataCiteEngine, tested: true, docs: 'https://support.datacite.org/docs/api-queries' },
  { create: createDblpEngine, tested: true, docs: 'https://dblp.org/faq/How+to+use+the+dblp+search+API.html' },
  { create: createDebianEngine, tested: true, docs: 'https://sources.debian.org/doc/api/' },
  { create: createDoajEngine, tested: true, docs: 'https://doaj.org/api/docs' },
  { create: createDuckDuckGoEngine, tested: true, docs: 'https://html.duckduckgo.com/html/' },
  { create: createEuropePmcEngine, tested: true, docs: 'https://europepmc.org/RestfulWebService' },
  { create: createGitHubEngine, tested: true, docs: 'https://docs.github.com/en/rest/search/search#search-repositories' },
  { create: createGitLabEngine, tested: true, docs: 'https://docs.gitlab.com/api/projects/#list-all-projects' },
  { create: createGoogleNewsEngine, tested: true, docs: 'https://www.rssboard.org/rss-specification' },
  { create: createGutenbergEngine, tested: true, docs: 'https://gutendex.com/' },
  { create: createHackerNewsEngine, tested: true, docs: 'https://hn.algolia.com/api' },
  { create: createHalEngine, tested: true, docs: 'https://api.archives-ouvertes.fr/docs/search' },
  { create: createHexEngine, tested: true, docs: 'https://github.com/hexpm/specifications/blob/main/apiary.apib' },
  { create: createInspireHepEngine, tested: true, docs: 'https://github.com/inspirehep/rest-api-doc' },
  { create: createLibraryOfCongressEngine, tested: true, docs: 'https://www.loc.gov/apis/json-and-yaml/' },
  { create: createMavenEngine, tested: true, docs: 'https://central.sonatype.org/search/rest-api-guide/' },
  { create: createMdnEngine, tested: true, docs: 'https://github.com/mdn/yari' },
  { create: createNpmEngine, tested: true, docs: 'https://github.com/npm/registry/blob/main/docs/REGISTRY-API.md#get-v1search' },
  { create: createMojeekEngine, tested: true, docs: 'https://www.mojeek.com/support/api/search/request_parameters.html' },
  { create: createNominatimEngine, tested: true, docs: 'https://nominatim.org/release-docs/latest/api/Search/' },
  { create: createNuGetEngine, tested: true, docs: 'https://learn.microsoft.com/en-us/nuget/api/search-query-service-resource' },
  { create: createOpenAlexEngine, tested: true, docs: 'https://docs.openalex.org/api-entities/works/search-works' },
  { create: createOpenLibraryEngine, tested: true, docs: 'https://openlibrary.org/dev/docs/api/search' },
  { create: createPackagistEngine, tested: true, docs: 'https://packagist.org/apis' },
  { create: createPhotonEngine, tested: true, docs: 'https://photon.komoot.io/' },
  { create: createPubChemEngine, tested: true, docs: 'https://pubchem.ncbi.nlm.nih.gov/docs/pug-rest' },
  { create: createPubMedEngine, tested: true, docs: 'https://www.ncbi.nlm.nih.gov/books/NBK25499/' },
  { create: createPyPiEngine, tested: true, docs: 'https://docs.pypi.org/api/json/' },
  { create: createRubyGemsEngine, tested: true, docs: 'https://guides.rubygems.org/rubygems-org-api/' },
  { create: createSemanticScholarEngine, tested: true, docs: 'https://api.semanticscholar.org/api-docs/graph' },
  { create: createStackExchangeEngine, tested: true, docs: 'https://api.stackexchange.com/docs/advanced-search' },
  { create: createWibyEngine, tested: true, docs: 'https://wiby.me/about/' },
  { create: createWikidataEngine, tested: true, docs: 'https://www.wikidata.org/w/api.php?action=help&modules=wbsearchentities' },
  { create: createWikipediaEngine, tested: true, docs: 'https://www.mediawiki.org/wiki/API:Search' },
  { create: createWiktionaryEngine, tested: true, docs: 'https://www.mediawiki.org/wiki/API:Search' },
  { create: createZenodoEngine, tested: true, docs: 'https://developers.zenodo.org/#records' },
];

export function remoteEngines(): RemoteEngine[] {
  return ADAPTERS.map((a) => {
    const engine = a.create();
    if (engine.kind !== 'remote') throw new Error(`${engine.name}: a remote adapter must be kind 'remote'`);
    return { ...engine, kind: 'remote', tested: a.tested, docs: a.docs };
  });
}

/** The engines counted by `octant search engines`: those with fixture tests. */
export function testedEngineCount(): number {
  return ADAPTERS.filter((a) => a.tested).length;
}
