import type { Classification, GeoJsonGeometry, ValueSchema } from '@stadtdaten/contracts';

export interface LocalizedText {
  de: string;
  en: string;
}

export interface TenantDto {
  id: string;
  name: string;
  storageProfile: string;
}

export interface ThingDto {
  tenant: string;
  id: string;
  name: string;
  description: string;
  useCase: string;
  /** GeoJSON geometry in WGS 84 (longitude, latitude). */
  location: GeoJsonGeometry;
  properties: Record<string, unknown>;
  datastreamIds: string[];
}

export interface DeviceDto {
  tenant: string;
  id: string;
  name: string;
  description: string;
  deviceTypeId: string;
  thingId: string;
  payloadFormat: string;
  codec?: string;
  timeZone?: string;
  /** Default classification of the device's datastreams. */
  classification: Classification;
  /** Default retention of the device's datastreams; null keeps observations until deleted. */
  retentionDays: number | null;
  /** Default storage profile of the device's datastreams; null uses the tenant's profile. */
  storageProfile: string | null;
  /** Pseudonym of the owner's id (psn_…); null when the device has no owner. */
  ownerPseudonym: string | null;
  datastreamIds: string[];
}

export interface ObservedPropertyDto {
  id: string;
  name: string;
  /** URI of the definition of the phenomenon. */
  definition: string;
  description: string;
}

export interface UnitDto {
  /** UCUM code. */
  code: string;
  symbol: string;
  label: LocalizedText;
}

export interface DatastreamDto {
  tenant: string;
  /** `<deviceId>.<field>`. */
  id: string;
  name: string;
  description: string;
  thingId: string;
  deviceId: string;
  field: string;
  observedProperty: ObservedPropertyDto;
  unit: UnitDto;
  valueSchema: ValueSchema;
  classification: Classification;
  /** Days to keep observations; null keeps them until deleted. */
  retentionDays: number | null;
  storageProfile: string;
  retired: boolean;
}

/** Changes a tenant admin may make to one datastream through the REST API. */
export interface DatastreamPatch {
  name?: string;
  description?: string;
  classification?: Classification;
  /** Days to keep observations; null keeps them until deleted. */
  retentionDays?: number | null;
  valueSchema?: ValueSchema;
  retired?: boolean;
}

export interface CatalogResult {
  created: number;
  updated: number;
  unchanged: number;
  /** One line per created or updated entity, e.g. `updated thing darmstadt/luisenplatz: name, location`. */
  changes: string[];
}

export interface ListThingsOptions {
  /** Only things with at least one public, non-retired datastream, and only those datastreams. */
  publicOnly?: boolean;
}

export interface ListDatastreamsOptions {
  thingId?: string;
  /** Only public, non-retired datastreams. */
  publicOnly?: boolean;
}

export interface ApplyCatalogOptions {
  /** Validates and computes the changes without writing them. */
  dryRun?: boolean;
  /**
   * Accepts device types whose id starts with the reserved prefix `analytics-`. Only the
   * analytics service's registrar and the restore of an export set it. The catalog routes of
   * the HTTP API and the CLI never do, so a tenant cannot define such a type.
   */
  allowDerivedTypes?: boolean;
}
