// Maven Central search REST API, GET /solrsearch/select?q=&rows=&start=&wt=json
// (https://central.sonatype.org/search/rest-api-guide/): a Solr answer.

export interface MavenDoc {
  /** "groupId:artifactId" */
  id: string;
  g: string;
  a: string;
  latestVersion?: string;
  repositoryId?: string;
  p?: string;
  timestamp?: number;
  versionCount?: number;
}

export interface MavenSearch {
  responseHeader: { status: number; QTime?: number; params?: Record<string, string> };
  response: { numFound: number; start: number; docs: MavenDoc[] };
}
