import type { DatastreamDto, DeviceDto, ThingDto } from '@stadtdaten/registry';
import type { Body } from './sta-catalog-mapping';

/** Everything of one tenant that a write must take into account, retired datastreams included. */
export interface RegistryState {
  things: ThingDto[];
  devices: DeviceDto[];
  datastreams: DatastreamDto[];
}

/** A catalog document as RegistryService.applyCatalog takes it; applied in one transaction. */
export interface CatalogDocument {
  things: Body[];
  observedProperties: Body[];
  deviceTypes: Body[];
  devices: Body[];
}

/** Observations given inline in a deep insert, with the id of their new datastream. */
export interface InlineObservations {
  datastreamId: string;
  observations: unknown[];
}

export function emptyCatalog(): CatalogDocument {
  return { things: [], observedProperties: [], deviceTypes: [], devices: [] };
}
