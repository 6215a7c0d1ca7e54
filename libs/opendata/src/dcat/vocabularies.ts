import type { UseCase } from '@stadtdaten/registry';

/** Namespaces of the catalog, with the prefixes used in Turtle and as JSON-LD terms. */
export const PREFIXES = {
  dcat: 'http://www.w3.org/ns/dcat#',
  dct: 'http://purl.org/dc/terms/',
  dcatde: 'http://dcat-ap.de/def/dcatde/',
  dcatap: 'http://data.europa.eu/r5r/',
  foaf: 'http://xmlns.com/foaf/0.1/',
  vcard: 'http://www.w3.org/2006/vcard/ns#',
  locn: 'http://www.w3.org/ns/locn#',
  gsp: 'http://www.opengis.net/ont/geosparql#',
  xsd: 'http://www.w3.org/2001/XMLSchema#',
  rdf: 'http://www.w3.org/1999/02/22-rdf-syntax-ns#',
} as const;

export type Prefix = keyof typeof PREFIXES;

/** Expands `dct:title` to the full IRI; an IRI without a known prefix is returned unchanged. */
export function expand(term: string): string {
  const colon = term.indexOf(':');
  const prefix = term.slice(0, colon) as Prefix;

  return colon > 0 && prefix in PREFIXES ? PREFIXES[prefix] + term.slice(colon + 1) : term;
}

const EU_AUTHORITY = 'http://publications.europa.eu/resource/authority';

export const DATA_THEME_SCHEME = `${EU_AUTHORITY}/data-theme`;
export const FILE_TYPE_SCHEME = `${EU_AUTHORITY}/file-type`;
export const FREQUENCY_SCHEME = `${EU_AUTHORITY}/frequency`;
export const LANGUAGE_GERMAN = `${EU_AUTHORITY}/language/DEU`;
export const AVAILABILITY_STABLE = `${EU_AUTHORITY}/planned-availability/STABLE`;
export const GEOCODING_LEVEL_MUNICIPALITY = 'http://dcat-ap.de/def/politicalGeocoding/Level/municipality';
export const SENSORTHINGS_1_1 = 'http://www.opengis.net/doc/is/sensorthings/1.1';

/**
 * EU data themes (data-theme authority table) of each registry use case. "other" has none.
 * TODO: map a health use case (Corona case numbers) to HEAL once the registry lists one.
 */
export const THEMES_BY_USE_CASE: Record<UseCase, string[]> = {
  parking: ['TRAN'],
  traffic: ['TRAN'],
  'bike-counts': ['TRAN'],
  'ev-charging': ['TRAN', 'ENER'],
  'air-quality': ['ENVI'],
  weather: ['ENVI'],
  'water-temperature': ['ENVI'],
  waste: ['ENVI'],
  energy: ['ENER'],
  visitors: ['SOCI'],
  other: [],
};

/** German keyword of each use case, for dcat:keyword. */
export const USE_CASE_KEYWORDS: Record<UseCase, string> = {
  parking: 'Parken',
  traffic: 'Verkehr',
  'bike-counts': 'Radverkehr',
  'ev-charging': 'Elektromobilität',
  'air-quality': 'Luftqualität',
  weather: 'Wetter',
  'water-temperature': 'Wassertemperatur',
  waste: 'Abfall',
  energy: 'Energie',
  visitors: 'Besucherzahlen',
  other: 'Sensordaten',
};

export function themeIri(code: string): string {
  return `${DATA_THEME_SCHEME}/${code}`;
}

export function frequencyIri(code: FrequencyCode): string {
  return `${FREQUENCY_SCHEME}/${code}`;
}

/** Codes of the EU frequency table that the catalog uses. */
export type FrequencyCode = 'UPDATE_CONT' | 'DAILY' | 'WEEKLY' | 'MONTHLY' | 'IRREG' | 'UNKNOWN';

/**
 * Estimates the update frequency from the mean time between observations: up to an hour
 * counts as continuously updated, then daily, weekly and monthly; slower is irregular.
 * Fewer than two observations give UNKNOWN.
 */
export function frequencyOf(count: number, firstMs: number | undefined, lastMs: number | undefined): FrequencyCode {
  if (count < 2 || firstMs === undefined || lastMs === undefined || lastMs <= firstMs) {
    return 'UNKNOWN';
  }
  const meanGapMs = (lastMs - firstMs) / (count - 1);
  const limits: Array<[number, FrequencyCode]> = [
    [3_600_000, 'UPDATE_CONT'],
    [86_400_000, 'DAILY'],
    [7 * 86_400_000, 'WEEKLY'],
    [31 * 86_400_000, 'MONTHLY'],
  ];

  return limits.find(([limitMs]) => meanGapMs <= limitMs)?.[1] ?? 'IRREG';
}

/** A download or API format of a datastream, with its EU file type and IANA media type. */
export interface DistributionFormat {
  /** Value of the `format` query parameter, or `sta` for the SensorThings API. */
  key: 'csv' | 'geojson' | 'json' | 'parquet' | 'sta';
  label: string;
  fileType: string;
  mediaType: string;
  /** False for an API endpoint, which gets dcat:accessURL only. */
  download: boolean;
}

export const DISTRIBUTION_FORMATS: readonly DistributionFormat[] = [
  { key: 'csv', label: 'CSV', fileType: `${FILE_TYPE_SCHEME}/CSV`, mediaType: 'text/csv', download: true },
  { key: 'geojson', label: 'GeoJSON', fileType: `${FILE_TYPE_SCHEME}/GEOJSON`, mediaType: 'application/geo+json', download: true },
  { key: 'json', label: 'JSON', fileType: `${FILE_TYPE_SCHEME}/JSON`, mediaType: 'application/json', download: true },
  {
    key: 'parquet',
    label: 'Parquet',
    fileType: `${FILE_TYPE_SCHEME}/PARQUET`,
    mediaType: 'application/vnd.apache.parquet',
    download: true,
  },
  {
    key: 'sta',
    label: 'OGC SensorThings API',
    fileType: `${FILE_TYPE_SCHEME}/JSON`,
    mediaType: 'application/json',
    download: false,
  },
];

export function ianaMediaTypeIri(mediaType: string): string {
  return `https://www.iana.org/assignments/media-types/${mediaType}`;
}
