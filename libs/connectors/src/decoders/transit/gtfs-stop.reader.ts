import type { CsvRow } from '../common/csv-table.reader';
import { parseDecimalText, parseIntegerText, pointGeometry } from '../common/source-value.parser';
import type { SourceGeometry } from '../source-decoder.interface';
import type { GtfsColumns } from './gtfs-columns';

/** One row of a GTFS stops.txt. */
export interface GtfsStop {
  stopId: string;
  name?: string;
  geometry?: SourceGeometry;
  /** 0 stop or platform, 1 station, 2 entrance, 3 generic node, 4 boarding area; empty means 0. */
  locationType: number;
  properties: Record<string, string | number>;
}

/** Reports an unusable cell: what is wrong, the column, and the cell text. */
export type GtfsCellReporter = (message: string, column: string, value: string) => void;

/** Columns of stops.txt that become feature properties as they are. */
const PROPERTY_COLUMNS = [
  'stop_code',
  'stop_desc',
  'parent_station',
  'platform_code',
  'level_id',
  'zone_id',
] as const;

/**
 * Reads one stops.txt row. Returns undefined for a row without stop_id or with an unknown
 * location_type, after reporting it. Unreadable coordinates are reported and leave the stop
 * without geometry; stations, stops and platforms need them, entrances and nodes may lack them.
 */
export function readGtfsStop(
  row: CsvRow,
  columns: GtfsColumns,
  report: GtfsCellReporter,
): GtfsStop | undefined {
  const stopId = columns.cell(row, 'stop_id');
  if (stopId === '') {
    report('The row has no stop_id, so it names no stop.', 'stop_id', '');

    return undefined;
  }

  const locationTypeText = columns.cell(row, 'location_type');
  const locationType = locationTypeText === '' ? 0 : parseIntegerText(locationTypeText);
  if (locationType === undefined || locationType < 0 || locationType > 4) {
    report(
      `The location_type '${locationTypeText}' is not 0 to 4 or empty.`,
      'location_type',
      locationTypeText,
    );

    return undefined;
  }

  const latitudeText = columns.cell(row, 'stop_lat');
  const longitudeText = columns.cell(row, 'stop_lon');
  const latitude = parseDecimalText(latitudeText);
  const longitude = parseDecimalText(longitudeText);
  const geometry =
    latitude === undefined || longitude === undefined ? undefined : pointGeometry(longitude, latitude);
  if (geometry === undefined && (locationType <= 2 || latitudeText !== '' || longitudeText !== '')) {
    report(
      `The position '${latitudeText},${longitudeText}' is not a valid WGS 84 stop_lat,stop_lon, so stop ${stopId} gets no location.`,
      'stop_lat',
      `${latitudeText},${longitudeText}`,
    );
  }

  const properties: Record<string, string | number> = { location_type: locationType };
  for (const column of PROPERTY_COLUMNS) {
    const value = columns.cell(row, column);
    if (value !== '') {
      properties[column] = value;
    }
  }
  const name = columns.cell(row, 'stop_name');

  return {
    stopId,
    ...(name === '' ? {} : { name }),
    ...(geometry === undefined ? {} : { geometry }),
    locationType,
    properties,
  };
}
