// NuGet search query service, GET {@id}?q=&skip=&take=&prerelease=&semVerLevel=
// (https://learn.microsoft.com/en-us/nuget/api/search-query-service-resource).
// {@id} is read from https://api.nuget.org/v3/index.json (SearchQueryService);
// nuget.org's primary one is https://azuresearch-usnc.nuget.org/query.

export interface NuGetPackage {
  '@id'?: string;
  id: string;
  version: string;
  description?: string;
  summary?: string;
  title?: string;
  projectUrl?: string;
  tags?: string[] | string;
  authors?: string[] | string;
  totalDownloads?: number;
  verified?: boolean;
}

export interface NuGetSearch {
  totalHits: number;
  data: NuGetPackage[];
}
