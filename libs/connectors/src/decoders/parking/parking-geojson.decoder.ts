import { RejectionCode } from '@stadtdaten/contracts';
import { z } from 'zod';
import { parseDecoderOptions } from '../common/decoder-options.parser';
import { parseJsonInput, unsupportedInput } from '../common/source-input.reader';
import { SourceResultCollector } from '../common/source-result.collector';
import {
  isJsonObject,
  type JsonObject,
  parseSourceTime,
  readGeoJsonGeometry,
} from '../common/source-value.parser';
import type {
  SourceDecodeContext,
  SourceDecoder,
  SourceDecodeResult,
  SourceFeature,
} from '../source-decoder.interface';

const NAME = 'parking-geojson';

/** Defaults follow the parking layer of the Stadt Karlsruhe (WFS output as GeoJSON). */
export const PARKING_GEOJSON_OPTIONS = z
  .object({
    keyProperty: z
      .string()
      .min(1)
      .default('id')
      .describe('Property with the facility id; the feature id when absent.'),
    nameProperty: z.string().min(1).default('parkhaus_name').describe('Property with the facility name.'),
    freeSpacesProperty: z
      .string()
      .min(1)
      .default('freie_parkplaetze')
      .describe('Property with the free spaces.'),
    capacityProperty: z
      .string()
      .min(1)
      .default('gesamte_parkplaetze')
      .describe('Property with the total spaces.'),
    statusProperty: z
      .string()
      .min(1)
      .default('echtzeit_status')
      .describe('Property with the real-time status.'),
    timeProperty: z
      .string()
      .min(1)
      .default('stand_freieparkplaetze')
      .describe('Property with the time of the free spaces and status.'),
    statusValues: z
      .record(z.string(), z.string().min(1))
      .default({ OK: 'open', Störung: 'fault', Geschlossen: 'closed' })
      .describe('Source status text → status field value; other texts are problems.'),
    copyProperties: z
      .array(z.string().min(1))
      .default(['gemeinde', 'parkhaus_strasse', 'parkhaus_plz', 'max_durchfahrtshoehe'])
      .describe('Source properties copied into the feature properties.'),
  })
  .strict();

type ParkingGeoJsonOptions = z.output<typeof PARKING_GEOJSON_OPTIONS>;

/**
 * GeoJSON FeatureCollection of parking facilities with their current occupancy in the
 * properties, such as the Karlsruhe parking layer. Each GeoJSON feature becomes a feature
 * with name, geometry, capacity and the copied properties. The Karlsruhe layer writes booleans
 * as the strings "T" and "F", so these are copied as true and false.
 *
 * Records at the time property: free_spaces, capacity and status (mapped by statusValues).
 * A null free-spaces or status value counts as missing; a facility without time gives no
 * records, and a value it has anyway becomes an INVALID_TIMESTAMP problem.
 */
export class ParkingGeoJsonDecoder implements SourceDecoder {
  readonly name = NAME;
  readonly description = 'GeoJSON parking facilities with free_spaces, capacity and status in the properties';
  readonly optionsSchema = PARKING_GEOJSON_OPTIONS;

  decode(input: Uint8Array, ctx: SourceDecodeContext): SourceDecodeResult {
    const options = parseDecoderOptions(PARKING_GEOJSON_OPTIONS, ctx.options, NAME);
    const collection = parseJsonInput(input, NAME);
    if (
      !isJsonObject(collection) ||
      collection.type !== 'FeatureCollection' ||
      !Array.isArray(collection.features)
    ) {
      throw unsupportedInput(
        NAME,
        `${ctx.sourceName} is not a GeoJSON FeatureCollection; check the source URL.`,
      );
    }

    const collector = new SourceResultCollector();
    collection.features.forEach((feature, index) => {
      const position = `features[${index}]`;
      if (!isJsonObject(feature) || !isJsonObject(feature.properties)) {
        collector.reject(
          RejectionCode.INVALID_PAYLOAD,
          'The entry is not a GeoJSON feature with properties.',
          position,
          feature,
        );

        return;
      }
      decodeFeature(feature, feature.properties, position, options, ctx, collector);
    });

    return collector.build();
  }
}

function decodeFeature(
  feature: JsonObject,
  properties: JsonObject,
  position: string,
  options: ParkingGeoJsonOptions,
  ctx: SourceDecodeContext,
  collector: SourceResultCollector,
): void {
  const rawKey = properties[options.keyProperty] ?? feature.id;
  if ((typeof rawKey !== 'string' && typeof rawKey !== 'number') || rawKey === '') {
    collector.reject(
      RejectionCode.INVALID_PAYLOAD,
      `The feature has no '${options.keyProperty}' property and no id; set keyProperty to the facility id property.`,
      position,
      rawKey ?? null,
    );

    return;
  }

  const key = String(rawKey);
  if (!collector.addFeature(describeFacility(key, feature, properties, options))) {
    collector.reject(
      RejectionCode.INVALID_PAYLOAD,
      `Facility id '${key}' occurs twice; only its first feature is used.`,
      position,
      key,
    );

    return;
  }

  const rawTime = properties[options.timeProperty];
  const free = properties[options.freeSpacesProperty];
  const status = properties[options.statusProperty];
  countNulls([free, status], collector);

  if (rawTime === null || rawTime === undefined) {
    if ((free ?? null) !== null || (status ?? null) !== null) {
      collector.reject(
        RejectionCode.INVALID_TIMESTAMP,
        `The facility has real-time values but no '${options.timeProperty}'; its values cannot be placed in time.`,
        `${position}.properties.${options.timeProperty}`,
        rawTime ?? null,
      );
    }

    return;
  }

  const timePosition = `${position}.properties.${options.timeProperty}`;
  const timeMs = collector.attempt(timePosition, rawTime, () =>
    parseSourceTime(rawTime, ctx, options.timeProperty),
  );
  if (timeMs === undefined) {
    return;
  }

  const record = { featureKey: key, timeMs };
  addCount(free, 'free_spaces', `${position}.properties.${options.freeSpacesProperty}`, record, collector);
  addCount(
    properties[options.capacityProperty],
    'capacity',
    `${position}.properties.${options.capacityProperty}`,
    record,
    collector,
  );
  addStatus(status, `${position}.properties.${options.statusProperty}`, record, options, collector);
}

function describeFacility(
  key: string,
  feature: JsonObject,
  properties: JsonObject,
  options: ParkingGeoJsonOptions,
): SourceFeature {
  const facility: SourceFeature = { key };
  const name = properties[options.nameProperty];
  if (typeof name === 'string' && name !== '') {
    facility.name = name;
  }

  const geometry = readGeoJsonGeometry(feature.geometry);
  if (geometry !== undefined) {
    facility.geometry = geometry;
  }

  const copied: Record<string, string | number | boolean> = {};
  const capacity = properties[options.capacityProperty];
  if (typeof capacity === 'number') {
    copied.capacity = capacity;
  }
  for (const property of options.copyProperties) {
    const value = properties[property];
    if (value === 'T' || value === 'F') {
      copied[property] = value === 'T';
    } else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      copied[property] = value;
    }
  }
  if (Object.keys(copied).length > 0) {
    facility.properties = copied;
  }

  return facility;
}

function countNulls(values: unknown[], collector: SourceResultCollector): void {
  for (const value of values) {
    if (value === null) {
      collector.countMissing();
    }
  }
}

function addCount(
  value: unknown,
  field: string,
  position: string,
  record: { featureKey: string; timeMs: number },
  collector: SourceResultCollector,
): void {
  if (value === null || value === undefined) {
    return;
  }
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    collector.reject(
      RejectionCode.INVALID_PAYLOAD,
      `${field} must be an integer, got ${JSON.stringify(value)}.`,
      position,
      value,
    );

    return;
  }
  collector.addRecord({ ...record, field, value, position });
}

function addStatus(
  value: unknown,
  position: string,
  record: { featureKey: string; timeMs: number },
  options: ParkingGeoJsonOptions,
  collector: SourceResultCollector,
): void {
  if (value === null || value === undefined) {
    return;
  }

  const mapped = typeof value === 'string' ? options.statusValues[value] : undefined;
  if (mapped === undefined) {
    collector.reject(
      RejectionCode.INVALID_PAYLOAD,
      `Status ${JSON.stringify(value)} is not one of ${Object.keys(options.statusValues).join(', ')}; ` +
        'add it to options.statusValues.',
      position,
      value,
    );

    return;
  }
  collector.addRecord({ ...record, field: 'status', value: mapped, position });
}
