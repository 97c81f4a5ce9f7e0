// Photon geocoder, GET /api?q=&limit=&lang= (https://photon.komoot.io/,
// https://github.com/komoot/photon#search-api): a GeoJSON FeatureCollection
// (RFC 7946) whose features carry OSM properties.

export interface PhotonFeature {
  type: 'Feature';
  geometry: { type: 'Point'; coordinates: [number, number] };
  properties: {
    osm_id?: number;
    /** N, W or R */
    osm_type?: string;
    osm_key?: string;
    osm_value?: string;
    type?: string;
    name?: string;
    street?: string;
    housenumber?: string;
    postcode?: string;
    city?: string;
    state?: string;
    country?: string;
    countrycode?: string;
    extent?: [number, number, number, number];
  };
}

export interface PhotonCollection {
  type: 'FeatureCollection';
  features: PhotonFeature[];
}
