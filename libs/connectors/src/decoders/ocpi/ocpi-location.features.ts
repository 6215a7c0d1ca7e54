import { RejectionCode } from '@stadtdaten/contracts';
import type { SourceResultCollector } from '../common/source-result.collector';
import {
  isJsonObject,
  type JsonObject,
  parseDecimalText,
  pointGeometry,
} from '../common/source-value.parser';
import type { SourceFeature, SourceGeometry } from '../source-decoder.interface';

type Properties = Record<string, string | number | boolean>;

/**
 * Reads an OCPI GeoLocation (`{ latitude, longitude }` as decimal strings, e.g. "55.590325").
 * Returns undefined without coordinates, and after recording a problem when they are not WGS 84
 * degrees.
 */
export function readOcpiCoordinates(
  coordinates: unknown,
  position: string,
  collector: SourceResultCollector,
): SourceGeometry | undefined {
  if (coordinates === undefined || coordinates === null) {
    return undefined;
  }

  const latitude = isJsonObject(coordinates) ? decimalOf(coordinates.latitude) : undefined;
  const longitude = isJsonObject(coordinates) ? decimalOf(coordinates.longitude) : undefined;
  const geometry =
    latitude === undefined || longitude === undefined ? undefined : pointGeometry(longitude, latitude);
  if (geometry === undefined) {
    collector.reject(
      RejectionCode.INVALID_PAYLOAD,
      'The coordinates are not latitude and longitude in WGS 84 degrees; the feature has no location.',
      position,
      coordinates,
    );
  }

  return geometry;
}

function decimalOf(value: unknown): number | undefined {
  if (typeof value === 'number') {
    return value;
  }

  return typeof value === 'string' ? parseDecimalText(value) : undefined;
}

/** Feature of one EVSE: its evse_id as name, the location's address and its connectors' standards and power. */
export function describeEvse(
  uid: string,
  evse: JsonObject,
  location: JsonObject,
  geometry: SourceGeometry | undefined,
): SourceFeature {
  const feature: SourceFeature = { key: uid, name: typeof evse.evse_id === 'string' ? evse.evse_id : uid };
  if (geometry !== undefined) {
    feature.geometry = geometry;
  }

  const properties: Properties = { ...addressProperties(location) };
  copyText(location, 'id', properties, 'location_id');
  copyText(location, 'name', properties, 'location_name');
  copyText(evse, 'evse_id', properties, 'evse_id');
  copyText(evse, 'physical_reference', properties, 'physical_reference');

  const connectors = Array.isArray(evse.connectors) ? evse.connectors.filter(isJsonObject) : [];
  const standards = [
    ...new Set(connectors.map((connector) => connector.standard).filter((s) => typeof s === 'string')),
  ];
  if (standards.length > 0) {
    properties.connector_standards = standards.join(',');
  }
  const maxPowerW = Math.max(0, ...connectors.map(connectorPowerW));
  if (maxPowerW > 0) {
    properties.max_power_kw = Math.round(maxPowerW) / 1000;
  }
  feature.properties = properties;

  return feature;
}

/** Feature of one location: name, address, parking type and the number of EVSEs that are not REMOVED. */
export function describeLocation(
  id: string,
  location: JsonObject,
  geometry: SourceGeometry | undefined,
  evseCount: number,
): SourceFeature {
  const feature: SourceFeature = { key: id };
  if (typeof location.name === 'string' && location.name !== '') {
    feature.name = location.name;
  }
  if (geometry !== undefined) {
    feature.geometry = geometry;
  }

  const properties: Properties = { ...addressProperties(location), evse_count: evseCount };
  copyText(location, 'parking_type', properties, 'parking_type');
  feature.properties = properties;

  return feature;
}

function addressProperties(location: JsonObject): Properties {
  const properties: Properties = {};
  copyText(location, 'address', properties, 'address');
  copyText(location, 'postal_code', properties, 'postal_code');
  copyText(location, 'city', properties, 'city');
  copyText(location, 'country', properties, 'country');

  return properties;
}

function copyText(source: JsonObject, member: string, target: Properties, property: string): void {
  const value = source[member];
  if (typeof value === 'string' && value !== '') {
    target[property] = value;
  }
}

/**
 * Power of one connector in W: max_electric_power where given (OCPI 2.2), else max_voltage ×
 * max_amperage, times 3 for AC_3_PHASE, whose max_voltage OCPI gives line to neutral.
 */
function connectorPowerW(connector: JsonObject): number {
  if (typeof connector.max_electric_power === 'number') {
    return connector.max_electric_power;
  }
  if (typeof connector.max_voltage !== 'number' || typeof connector.max_amperage !== 'number') {
    return 0;
  }

  const phases = connector.power_type === 'AC_3_PHASE' ? 3 : 1;

  return connector.max_voltage * connector.max_amperage * phases;
}
