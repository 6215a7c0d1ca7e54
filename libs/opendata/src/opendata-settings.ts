import { SECRET } from '@stadtdaten/config';
import { AppError, ErrorCode } from '@stadtdaten/contracts';
import { z } from 'zod';

/** Licence of the catalog when no other is configured: Datenlizenz Deutschland – Namensnennung – Version 2.0. */
export const DEFAULT_LICENSE = 'http://dcat-ap.de/def/licenses/dl-by-de/2.0';

/** Official municipality key (AGS 06411000) of the City of Darmstadt in the DCAT-AP.de geocoding vocabulary. */
export const DARMSTADT_GEOCODING_URI = 'http://dcat-ap.de/def/politicalGeocoding/municipalityKey/06411000';

const INTERVAL = /^([1-9][0-9]{0,5})(s|m|h|d)$/;
const INTERVAL_UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Settings of the open-data catalog and the CKAN publisher, as environment variables. A
 * service spreads them into its own config schema and passes the parsed values to
 * `openDataSettingsFrom`.
 */
export const openDataSettings = {
  STADTDATEN_OPENDATA_BASE_URL: z
    .string()
    .url()
    .optional()
    .describe(
      'public URL of the platform (e.g. https://daten.darmstadt.de) used in catalog links; unset takes the host of each request, and the CKAN publisher requires it',
    ),
  STADTDATEN_OPENDATA_LICENSE: z
    .string()
    .url()
    .default(DEFAULT_LICENSE)
    .describe('licence URI of every distribution, from http://dcat-ap.de/def/licenses/'),
  STADTDATEN_OPENDATA_PUBLISHER_NAME: z
    .string()
    .min(1)
    .default('Wissenschaftsstadt Darmstadt')
    .describe('name of the publisher (dct:publisher) and of the contact point'),
  STADTDATEN_OPENDATA_PUBLISHER_URI: z
    .string()
    .url()
    .default('https://www.darmstadt.de')
    .describe('URI of the publisher; also the contact point\'s web address'),
  STADTDATEN_OPENDATA_PUBLISHER_EMAIL: z
    .string()
    .email()
    .optional()
    .describe('e-mail address of the contact point (vcard:hasEmail); unset gives the publisher URI as contact'),
  STADTDATEN_OPENDATA_CONTRIBUTOR_ID: z
    .string()
    .url()
    .optional()
    .describe('dcatde:contributorID from http://dcat-ap.de/def/contributors/, needed for direct delivery to GovData'),
  STADTDATEN_OPENDATA_GEOCODING_URI: z
    .string()
    .url()
    .default(DARMSTADT_GEOCODING_URI)
    .describe('dcatde:politicalGeocodingURI of the area the data covers (default: the municipality key of Darmstadt)'),
  STADTDATEN_CKAN_URL: z
    .string()
    .url()
    .optional()
    .describe('base URL of a CKAN portal to publish the public datasets to, e.g. https://ckan.example.org; unset publishes nothing'),
  STADTDATEN_CKAN_API_KEY: z
    .string()
    .min(1)
    .optional()
    .meta({ [SECRET]: true })
    .describe('API token of a CKAN user who may create datasets in STADTDATEN_CKAN_ORGANIZATION'),
  STADTDATEN_CKAN_ORGANIZATION: z
    .string()
    .regex(/^[a-z0-9_-]{2,100}$/, 'use the CKAN organization name: 2 to 100 lower-case letters, digits, "-" and "_"')
    .optional()
    .describe('name of the CKAN organization that owns the published datasets'),
  STADTDATEN_CKAN_INTERVAL: z
    .string()
    .regex(INTERVAL, 'use a number and a unit s, m, h or d, e.g. 30m or 6h')
    .default('1h')
    .describe('time between two scheduled publications to CKAN, e.g. 30m or 6h; registry changes also start one'),
};

export type OpenDataConfig = { [K in keyof typeof openDataSettings]: z.output<(typeof openDataSettings)[K]> };

/** Publisher and contact of the catalog. */
export interface PublisherSettings {
  name: string;
  uri: string;
  email?: string;
}

/** Connection and schedule of the CKAN publisher. */
export interface CkanSettings {
  url: string;
  apiKey: string;
  organization: string;
  intervalMs: number;
}

/** Parsed open-data settings as the catalog and the publisher use them. */
export class OpenDataSettings {
  baseUrl?: string;
  license = DEFAULT_LICENSE;
  publisher: PublisherSettings = { name: 'Wissenschaftsstadt Darmstadt', uri: 'https://www.darmstadt.de' };
  contributorId?: string;
  geocodingUri = DARMSTADT_GEOCODING_URI;
  /** Undefined when no CKAN portal is configured. */
  ckan?: CkanSettings;
  /** Attempts of one CKAN call on a 5xx answer or network error, the first included. */
  ckanAttempts = 4;
  /** Wait before the first retry; it doubles with every further retry. */
  ckanRetryBaseMs = 1000;
  /** Time after a registry change before a publication starts, so that a burst of changes starts one. */
  ckanChangeDelayMs = 2000;
  /** Timeout of one CKAN HTTP request. */
  ckanRequestTimeoutMs = 30_000;

  constructor(overrides: Partial<OpenDataSettings> = {}) {
    Object.assign(this, overrides);
  }
}

/**
 * Turns parsed settings into OpenDataSettings. Throws INVALID_CONFIG when CKAN is half
 * configured, naming each missing setting.
 */
export function openDataSettingsFrom(config: Partial<OpenDataConfig>): OpenDataSettings {
  const settings = new OpenDataSettings({
    baseUrl: config.STADTDATEN_OPENDATA_BASE_URL?.replace(/\/+$/, ''),
    license: config.STADTDATEN_OPENDATA_LICENSE ?? DEFAULT_LICENSE,
    publisher: {
      name: config.STADTDATEN_OPENDATA_PUBLISHER_NAME ?? 'Wissenschaftsstadt Darmstadt',
      uri: config.STADTDATEN_OPENDATA_PUBLISHER_URI ?? 'https://www.darmstadt.de',
      email: config.STADTDATEN_OPENDATA_PUBLISHER_EMAIL,
    },
    contributorId: config.STADTDATEN_OPENDATA_CONTRIBUTOR_ID,
    geocodingUri: config.STADTDATEN_OPENDATA_GEOCODING_URI ?? DARMSTADT_GEOCODING_URI,
  });
  if (config.STADTDATEN_CKAN_URL === undefined) {
    return settings;
  }

  const missing = (
    [
      ['STADTDATEN_CKAN_API_KEY', config.STADTDATEN_CKAN_API_KEY],
      ['STADTDATEN_CKAN_ORGANIZATION', config.STADTDATEN_CKAN_ORGANIZATION],
      ['STADTDATEN_OPENDATA_BASE_URL', settings.baseUrl],
    ] as const
  )
    .filter(([, value]) => value === undefined)
    .map(([name]) => name);
  if (missing.length > 0) {
    throw new AppError(
      ErrorCode.INVALID_CONFIG,
      `STADTDATEN_CKAN_URL is set, so ${missing.join(', ')} must be set too: the publisher needs a token, an organization and the platform's public URL for the links it publishes`,
      { details: { missing } },
    );
  }
  settings.ckan = {
    url: config.STADTDATEN_CKAN_URL.replace(/\/+$/, ''),
    apiKey: config.STADTDATEN_CKAN_API_KEY!,
    organization: config.STADTDATEN_CKAN_ORGANIZATION!,
    intervalMs: parseInterval(config.STADTDATEN_CKAN_INTERVAL ?? '1h'),
  };

  return settings;
}

/** Parses an interval such as 30m or 6h into milliseconds. Throws INVALID_CONFIG for anything else. */
export function parseInterval(value: string): number {
  const match = INTERVAL.exec(value);
  if (match === null) {
    throw new AppError(
      ErrorCode.INVALID_CONFIG,
      `STADTDATEN_CKAN_INTERVAL = "${value}" is invalid: use a number and a unit s, m, h or d, e.g. 30m or 6h`,
    );
  }

  return Number(match[1]) * INTERVAL_UNIT_MS[match[2]];
}
