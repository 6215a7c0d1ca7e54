/** Closed value lists and id rules of the registry, shared by the catalog format and the REST patch. */

export const USE_CASES = [
  'parking',
  'air-quality',
  'waste',
  'bike-counts',
  'traffic',
  'weather',
  'water-temperature',
  'visitors',
  'energy',
  'ev-charging',
  'other',
] as const;

export type UseCase = (typeof USE_CASES)[number];

/** Residency labels: data of a datastream is stored only where its profile allows. */
export const STORAGE_PROFILES = ['onprem-darz', 'de', 'eu'] as const;

export type StorageProfile = (typeof STORAGE_PROFILES)[number];

export const DEFAULT_STORAGE_PROFILE: StorageProfile = 'onprem-darz';

/** Decoders a device type can name; the formats lib implements them. */
export const PAYLOAD_FORMATS = ['json', 'senml', 'ttn-v3', 'chirpstack-v4', 'loriot', 'sensor-community'] as const;

export type PayloadFormat = (typeof PAYLOAD_FORMATS)[number];

/**
 * Thing and device ids: letters, digits, `_`, `-` and `:`, 1 to 128 characters. No dot,
 * so the first dot of a datastream id (`<deviceId>.<field>`) always ends the device id.
 */
export const THING_OR_DEVICE_ID = /^[A-Za-z0-9][A-Za-z0-9_:-]{0,127}$/;

/**
 * Device ids that equal a platform topic level below `stadtdaten/<tenant>/`. Mosquitto's ACL
 * lets the device with the certificate CN `<tenant>/<device>` write `stadtdaten/<tenant>/<device>/#`,
 * so a device `quality` could publish false quality messages (`stadtdaten/<tenant>/quality/<device>`,
 * sent by the analytics service) and a device `status` false gateway status messages
 * (`stadtdaten/<tenant>/status/#`).
 */
export const RESERVED_DEVICE_IDS: readonly string[] = ['quality', 'status'];

/** Decoded payload field names: letters, digits, `_`, `-`, `:` and `.` (for nested fields), 1 to 64 characters. */
export const FIELD_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.:-]{0,63}$/;

/** Device type ids, e.g. `sds011` or `milesight-em310-udl`. */
export const DEVICE_TYPE_ID = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** Observed property ids, e.g. `pm2_5` or `air_temperature`. */
export const OBSERVED_PROPERTY_ID = /^[a-z][a-z0-9_]{0,62}$/;

/** Codec names, e.g. `milesight-em310-udl`. */
export const CODEC_NAME = /^[a-z0-9][a-z0-9_.-]{0,62}$/;

export function datastreamIdOf(deviceId: string, field: string): string {
  return `${deviceId}.${field}`;
}

/** Tests an IANA time zone name against the time zone data of this Node.js build. */
export function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });

    return true;
  } catch {
    return false;
  }
}
