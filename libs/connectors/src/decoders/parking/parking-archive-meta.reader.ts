import { AppError, ErrorCode, RejectionCode } from '@stadtdaten/contracts';
import { basename } from 'node:path';
import { type CsvLine, parseCsvLines } from '../common/csv-lines.parser';
import { readOptionFile } from '../common/option-file.reader';
import { decodeUtf8Input } from '../common/source-input.reader';
import type { SourceResultCollector } from '../common/source-result.collector';
import { parseDecimalText, parseIntegerText, pointGeometry } from '../common/source-value.parser';
import type { SourceFeature } from '../source-decoder.interface';

/**
 * Reads the place metadata CSV of the parking archive (`place_id,place_name,city_name,num_all,
 * address,latitude,longitude,place_url,source_id,source_web_url`) into features keyed by
 * place_id: name, point location when both coordinates are given, and the properties capacity
 * (num_all), city, address (line breaks become ", "), url and source. Empty cells are left
 * out; unreadable numbers become problems and the feature is kept without them.
 */
export function readParkingArchiveMeta(
  metaFile: string,
  decoderName: string,
  collector: SourceResultCollector,
): Map<string, SourceFeature> {
  const text = decodeUtf8Input(readOptionFile(metaFile, decoderName, 'metaFile'), decoderName);
  const rows = parseMetaCsv(text, metaFile, decoderName);
  const header = rows[0]?.record ?? [];
  const column = (name: string) => header.indexOf(name);
  if (column('place_id') < 0) {
    throw new AppError(
      ErrorCode.INVALID_CONFIG,
      `options.metaFile '${metaFile}' has no place_id column; it must be the parking archive metadata CSV.`,
      { details: { decoder: decoderName, header } },
    );
  }

  const fileName = basename(metaFile);
  const places = new Map<string, SourceFeature>();
  for (const { record, line } of rows.slice(1)) {
    const cell = (name: string) => (column(name) < 0 ? '' : (record[column(name)] ?? '').trim());
    const key = cell('place_id');
    if (key === '') {
      continue;
    }

    const position = (name: string) => `${fileName} line ${line}, column "${name}"`;
    places.set(key, describePlace(key, cell, position, collector));
  }

  return places;
}

function parseMetaCsv(text: string, metaFile: string, decoderName: string): CsvLine[] {
  try {
    return parseCsvLines(text);
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new AppError(
      ErrorCode.INVALID_CONFIG,
      `options.metaFile '${metaFile}' is not valid CSV (${reason}).`,
      {
        cause,
        details: { decoder: decoderName },
      },
    );
  }
}

function describePlace(
  key: string,
  cell: (name: string) => string,
  position: (name: string) => string,
  collector: SourceResultCollector,
): SourceFeature {
  const place: SourceFeature = { key };
  const properties: Record<string, string | number> = {};
  if (cell('place_name') !== '') {
    place.name = cell('place_name');
  }

  const capacityText = cell('num_all');
  if (capacityText !== '') {
    const capacity = parseIntegerText(capacityText);
    if (capacity === undefined || capacity < 0) {
      collector.reject(
        RejectionCode.INVALID_PAYLOAD,
        `num_all '${capacityText}' is not a non-negative integer.`,
        position('num_all'),
        capacityText,
      );
    } else {
      properties.capacity = capacity;
    }
  }

  const geometry = readPlaceLocation(cell('latitude'), cell('longitude'), position, collector);
  if (geometry !== undefined) {
    place.geometry = geometry;
  }

  const address = cell('address')
    .split(/\s*\r?\n\s*/)
    .filter((part) => part !== '')
    .join(', ');
  for (const [property, value] of [
    ['city', cell('city_name')],
    ['address', address],
    ['url', cell('place_url')],
    ['source', cell('source_id')],
  ]) {
    if (value !== '') {
      properties[property] = value;
    }
  }
  if (Object.keys(properties).length > 0) {
    place.properties = properties;
  }

  return place;
}

function readPlaceLocation(
  latitudeText: string,
  longitudeText: string,
  position: (name: string) => string,
  collector: SourceResultCollector,
) {
  if (latitudeText === '' && longitudeText === '') {
    return undefined;
  }

  const latitude = parseDecimalText(latitudeText);
  const longitude = parseDecimalText(longitudeText);
  const geometry =
    latitude === undefined || longitude === undefined ? undefined : pointGeometry(longitude, latitude);
  if (geometry === undefined) {
    collector.reject(
      RejectionCode.INVALID_PAYLOAD,
      `latitude '${latitudeText}' and longitude '${longitudeText}' are not both WGS 84 degrees; the place has no location.`,
      position('latitude'),
      `${latitudeText} ${longitudeText}`,
    );
  }

  return geometry;
}
