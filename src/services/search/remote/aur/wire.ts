// aurweb RPC interface v5, GET /rpc/v5/search/<arg>?by=name-desc
// (https://wiki.archlinux.org/title/Aurweb_RPC_interface,
// https://aur.archlinux.org/rpc/swagger).

export interface AurPackage {
  ID: number;
  Name: string;
  PackageBase?: string;
  Version: string;
  Description?: string | null;
  URL?: string | null;
  NumVotes?: number;
  Popularity?: number;
  OutOfDate?: number | null;
  Maintainer?: string | null;
  FirstSubmitted?: number;
  LastModified?: number;
  URLPath?: string;
}

export interface AurResponse {
  version: 5;
  /** 'search', or 'error' with `error` set. */
  type: string;
  resultcount: number;
  results: AurPackage[];
  error?: string;
}
