import { isJsonObject, type JsonObject, readGeoJsonGeometry } from '../common/source-value.parser';
import type { SourceFeature, SourceGeometry } from '../source-decoder.interface';

/** A UCUM code in a unitOfMeasurement.definition, e.g. `ucum:Cel` or `ucum:[ppth] approx.`. */
const UCUM_DEFINITION = /^ucum:(\S+)/;

/** Returns an @iot.id as text, because ids are numbers on FROST and may be strings on other servers. */
export function stringId(id: unknown): string | undefined {
  if (typeof id === 'number' && Number.isFinite(id)) {
    return String(id);
  }

  return typeof id === 'string' && id !== '' ? id : undefined;
}

/**
 * Returns the UCUM code of a unitOfMeasurement, taken from `definition` because servers fill `symbol`
 * with display text (`C` for degrees Celsius). Only `ucum:<code>` definitions give a code, and a
 * trailing remark such as ` approx.` is dropped. Returns undefined for any other definition.
 */
export function readUcumDefinition(unitOfMeasurement: unknown): string | undefined {
  if (!isJsonObject(unitOfMeasurement) || typeof unitOfMeasurement.definition !== 'string') {
    return undefined;
  }

  return UCUM_DEFINITION.exec(unitOfMeasurement.definition.trim())?.[1];
}

/**
 * Feature of a Datastream: key @iot.id, its name and description, the geometry of its expanded
 * FeatureOfInterest (else its observedArea), and the unit, observation type and feature of
 * interest name as properties. Undefined without @iot.id.
 */
export function describeDatastream(datastream: JsonObject): SourceFeature | undefined {
  const key = stringId(datastream['@iot.id']);
  if (key === undefined) {
    return undefined;
  }

  const feature: SourceFeature = { key };
  if (typeof datastream.name === 'string' && datastream.name !== '') {
    feature.name = datastream.name;
  }
  if (typeof datastream.description === 'string' && datastream.description !== '') {
    feature.description = datastream.description;
  }

  const featureOfInterest = isJsonObject(datastream.FeatureOfInterest)
    ? datastream.FeatureOfInterest
    : undefined;
  const geometry =
    readFeatureOfInterestGeometry(featureOfInterest) ?? readGeoJsonGeometry(datastream.observedArea);
  if (geometry !== undefined) {
    feature.geometry = geometry;
  }

  const properties: Record<string, string> = {};
  const unit = readUcumDefinition(datastream.unitOfMeasurement);
  if (unit !== undefined) {
    properties.unit = unit;
  }
  if (typeof datastream.observationType === 'string') {
    properties.observation_type = datastream.observationType;
  }
  if (typeof featureOfInterest?.name === 'string') {
    properties.feature_of_interest = featureOfInterest.name;
  }
  if (Object.keys(properties).length > 0) {
    feature.properties = properties;
  }

  return feature;
}

/** Geometry of a FeatureOfInterest whose `feature` is a GeoJSON geometry or a GeoJSON Feature. */
function readFeatureOfInterestGeometry(
  featureOfInterest: JsonObject | undefined,
): SourceGeometry | undefined {
  const feature = featureOfInterest?.feature;
  if (isJsonObject(feature) && feature.type === 'Feature') {
    return readGeoJsonGeometry(feature.geometry);
  }

  return readGeoJsonGeometry(feature);
}
