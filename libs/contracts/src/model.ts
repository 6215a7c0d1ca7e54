/** Domain types shared by services. Aligned with OGC SensorThings API names. */

export type Classification = 'public' | 'internal' | 'personal';

export const CLASSIFICATIONS: readonly Classification[] = ['public', 'internal', 'personal'];

/**
 * `jwe` is a JWE compact serialization (RFC 7516) encrypted by the device to the application
 * that owns the datastream; the platform checks its envelope but never holds the key.
 */
export type ValueType = 'number' | 'integer' | 'boolean' | 'string' | 'object' | 'jwe';

export const VALUE_TYPES: readonly ValueType[] = ['number', 'integer', 'boolean', 'string', 'object', 'jwe'];

export type ResultValue = number | string | boolean | Record<string, unknown> | unknown[];

/** GeoJSON geometry as stored for a thing's location. */
export interface GeoJsonGeometry {
  type: 'Point' | 'Polygon' | 'LineString' | 'MultiPolygon';
  coordinates: unknown;
}

export interface ValueSchema {
  type: ValueType;
  min?: number;
  max?: number;
  /** For type jwe: the `kid` of the owning application's public key that the value must be encrypted to. */
  recipientKid?: string;
}

/** Facts about one datastream of a device, as the validator uses them. */
export interface DatastreamBinding {
  datastreamId: string;
  thingId: string;
  deviceId: string;
  /** Name of the decoded field this datastream reads, e.g. pm2_5. */
  field: string;
  observedProperty: string;
  /** UCUM code. */
  unit: string;
  valueSchema: ValueSchema;
  classification: Classification;
  storageProfile: string;
  retired: boolean;
}

/** Facts about one device, as the validator uses them. */
export interface DeviceContext {
  tenant: string;
  deviceId: string;
  deviceType: string;
  /** Decoder used when neither the topic nor the content type names one. */
  payloadFormat: string;
  /** Codec for LoRaWAN payload bytes (e.g. milesight-em310-udl); undefined uses the network server's decoded object. */
  codec?: string;
  /** IANA zone for local times without an offset; undefined rejects them. */
  timeZone?: string;
  ownerPseudonym?: string;
  datastreams: DatastreamBinding[];
}

/** An observation as the time-series store keeps and returns it. */
export interface StoredObservation {
  id: string;
  tenant: string;
  datastreamId: string;
  phenomenonTimeMs: number;
  resultTimeMs: number;
  receivedAtMs: number;
  result: ResultValue;
  qualityFlags: string[];
  storageProfile: string;
  /**
   * Days the store keeps the observation, from its datastream; null or absent keeps it until
   * deleted. Stores with retention per policy (InfluxDB) route the write by it.
   */
  retentionDays?: number | null;
}

export const AGGREGATES = ['mean', 'min', 'max', 'sum', 'count', 'last'] as const;

export type Aggregate = (typeof AGGREGATES)[number];

export interface AggregatePoint {
  /** Start of the interval, UTC epoch milliseconds. */
  bucketStartMs: number;
  value: number | null;
  count: number;
}

export const ROLES = ['platform-admin', 'tenant-admin', 'analyst', 'device', 'personal-data-reader'] as const;

export type Role = (typeof ROLES)[number];

/** The authenticated caller, as the auth guard passes it to every service. */
export interface Principal {
  subject: string;
  tenant: string;
  roles: Role[];
}
