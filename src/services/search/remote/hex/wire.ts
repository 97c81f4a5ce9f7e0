// hex.pm API, GET /api/packages?search=&sort=&page= (100 a page)
// (https://github.com/hexpm/specifications/blob/main/apiary.apib, "Packages").

export interface HexPackage {
  name: string;
  html_url?: string;
  docs_html_url?: string | null;
  meta?: { description?: string | null; licenses?: string[]; links?: Record<string, string> };
  downloads?: { all?: number; recent?: number; week?: number; day?: number };
  latest_version?: string;
  latest_stable_version?: string | null;
  updated_at?: string;
}

export type HexPackages = HexPackage[];
