// Arch Linux official repositories web interface, GET /packages/search/json/?q=
// (https://wiki.archlinux.org/title/Official_repositories_web_interface).

export interface ArchPackage {
  pkgname: string;
  pkgbase?: string;
  repo: string;
  arch: string;
  pkgver: string;
  pkgrel: string;
  epoch?: number;
  pkgdesc?: string;
  url?: string;
  last_update?: string;
  licenses?: string[];
}

export interface ArchSearch {
  version: number;
  limit: number;
  /** false when the query was not accepted. */
  valid: boolean;
  results: ArchPackage[];
  num_pages?: number;
  page?: number;
}
