// Packagist, GET /search.json?q=&per_page=&page= (https://packagist.org/apis, "Searching for packages").

export interface PackagistResult {
  name: string;
  description?: string;
  url: string;
  repository?: string;
  downloads?: number;
  favers?: number;
  abandoned?: boolean | string;
}

export interface PackagistSearch {
  results: PackagistResult[];
  total: number;
  next?: string;
}
