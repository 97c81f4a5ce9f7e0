// Nominatim /search with format=jsonv2
// (https://nominatim.org/release-docs/latest/api/Search/,
// output: https://nominatim.org/release-docs/latest/api/Output/#json).

export interface NominatimPlace {
  place_id: number;
  licence?: string;
  osm_type?: 'node' | 'way' | 'relation';
  osm_id?: number;
  lat: string;
  lon: string;
  category?: string;
  type?: string;
  place_rank?: number;
  importance?: number;
  addresstype?: string;
  name?: string;
  display_name: string;
  boundingbox?: [string, string, string, string];
}

/** An error answer (e.g. a bad parameter): {"error": {"code", "message"}} or {"error": "..."}. */
export interface NominatimError {
  error: string | { code: number; message: string };
}
