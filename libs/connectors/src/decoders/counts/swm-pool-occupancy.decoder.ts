import { RejectionCode } from '@stadtdaten/contracts';
import type { IANAZone } from 'luxon';
import { z } from 'zod';
import { parseDecoderOptions } from '../common/decoder-options.parser';
import { parseIsoInstant } from '../common/iso-instant.parser';
import { parseJsonInput, unsupportedInput } from '../common/source-input.reader';
import { SourceResultCollector } from '../common/source-result.collector';
import { isJsonObject, type JsonObject } from '../common/source-value.parser';
import { requireTimeZone } from '../common/wall-clock.parser';
import type { SourceDecodeContext, SourceDecodeResult, SourceDecoder } from '../source-decoder.interface';

const FORMAT = 'SWM pool occupancy JSON';
const VISITORS_UNIT = '{visitors}';
/** `"37/311 persons"`: people inside and capacity. */
const RAW_OCCUPANCY = /^\s*(\d+)\s*\/\s*(\d+)\s*(?:persons|personen)?\s*$/i;

/** Facility lists of the scrape and the facility type of their entries. */
const FACILITY_LISTS: Readonly<Record<string, string>> = {
  pools: 'pool',
  saunas: 'sauna',
  ice_rinks: 'ice_rink',
  unknown_facilities: 'unknown',
};

const optionsSchema = z.object({}).strict();

/**
 * Decodes the occupancy scrapes of the Stadtwerke München pools, saunas and ice rinks (one
 * JSON object per scrape with the lists pools, saunas, ice_rinks and, in the older schema,
 * unknown_facilities). Feature key: `<facility_type>:<name>` (pool:Nordbad, sauna:Nordbad),
 * because a pool and its sauna share the name. The older schema's sauna names end in
 * " Sauna", which is dropped so that both schemas feed the same feature. Fields, all from
 * raw_occupancy ("37/311 persons"): visitors and capacity ({visitors}), occupancy_rate (%
 * of capacity taken, rounded to 0.1); and is_open (boolean, as the source reports it).
 * occupancy_percent is not read, because it is the FREE share despite its name.
 *
 * Time: the facility's `timestamp` (ISO 8601 with offset), else the scrape_timestamp.
 */
export class SwmPoolOccupancyDecoder implements SourceDecoder {
  readonly name = 'swm-pool-occupancy';
  readonly description = 'Stadtwerke München pool and sauna occupancy scrapes (JSON): visitors and capacity.';
  readonly optionsSchema = optionsSchema;

  decode(input: Uint8Array, ctx: SourceDecodeContext): SourceDecodeResult {
    parseDecoderOptions(optionsSchema, ctx.options, this.name);
    const zone = requireTimeZone(ctx.timeZone, this.name);
    const scrape = parseJsonInput(input, FORMAT);
    if (!isJsonObject(scrape) || !Object.keys(FACILITY_LISTS).some((list) => Array.isArray(scrape[list]))) {
      throw unsupportedInput(
        FORMAT,
        'is not an object with the lists pools, saunas or ice_rinks; check the source URL.',
      );
    }

    const result = new SourceResultCollector();
    for (const [list, defaultType] of Object.entries(FACILITY_LISTS)) {
      const entries = scrape[list];
      if (!Array.isArray(entries)) {
        continue;
      }
      entries.forEach((entry: unknown, index) => {
        readFacility(entry, `${list}[${index}]`, defaultType, scrape.scrape_timestamp, zone, result);
      });
    }

    return result.build();
  }
}

function readFacility(
  entry: unknown,
  position: string,
  defaultType: string,
  scrapeTimestamp: unknown,
  zone: IANAZone,
  result: SourceResultCollector,
): void {
  if (!isJsonObject(entry) || typeof entry.pool_name !== 'string' || entry.pool_name.trim() === '') {
    result.reject(
      RejectionCode.INVALID_PAYLOAD,
      'The entry has no pool_name, so it names no facility.',
      position,
      entry,
    );

    return;
  }

  const type =
    typeof entry.facility_type === 'string' && entry.facility_type !== '' ? entry.facility_type : defaultType;
  const name = type === 'sauna' ? entry.pool_name.trim().replace(/ Sauna$/, '') : entry.pool_name.trim();
  const featureKey = `${type}:${name}`;
  result.addFeature({ key: featureKey, name: entry.pool_name.trim(), properties: { facility_type: type } });

  const timeText = typeof entry.timestamp === 'string' ? entry.timestamp : scrapeTimestamp;
  const timeMs = typeof timeText === 'string' ? parseIsoInstant(timeText, zone) : undefined;
  if (timeMs === undefined) {
    result.reject(
      RejectionCode.INVALID_TIMESTAMP,
      'The facility has no timestamp and the scrape no scrape_timestamp in ISO 8601, so its values have no time.',
      `${position}.timestamp`,
      timeText,
    );

    return;
  }

  const common = { featureKey, timeMs };
  readCounts(entry, position, common, result);
  if (typeof entry.is_open === 'boolean') {
    result.addRecord({ ...common, field: 'is_open', value: entry.is_open, position: `${position}.is_open` });
  }
}

function readCounts(
  entry: JsonObject,
  position: string,
  common: { featureKey: string; timeMs: number },
  result: SourceResultCollector,
): void {
  const countsPosition = `${position}.raw_occupancy`;
  const match = typeof entry.raw_occupancy === 'string' ? RAW_OCCUPANCY.exec(entry.raw_occupancy) : null;
  if (match === null) {
    result.reject(
      RejectionCode.INVALID_PAYLOAD,
      `raw_occupancy ${JSON.stringify(entry.raw_occupancy)} is not "<visitors>/<capacity> persons".`,
      countsPosition,
      entry.raw_occupancy,
    );

    return;
  }

  const visitors = Number(match[1]);
  const capacity = Number(match[2]);
  result.addRecord({
    ...common,
    field: 'visitors',
    value: visitors,
    unit: VISITORS_UNIT,
    position: countsPosition,
  });
  result.addRecord({
    ...common,
    field: 'capacity',
    value: capacity,
    unit: VISITORS_UNIT,
    position: countsPosition,
  });
  if (capacity === 0) {
    result.reject(
      RejectionCode.OUT_OF_RANGE,
      'The capacity is 0, so no occupancy rate can be computed; the facility reports no capacity.',
      countsPosition,
      entry.raw_occupancy,
    );

    return;
  }
  const rate = Math.round((visitors / capacity) * 1000) / 10;
  result.addRecord({ ...common, field: 'occupancy_rate', value: rate, unit: '%', position: countsPosition });
}
