import { RejectionCode } from '@stadtdaten/contracts';
import { resolveLocalTime } from '@stadtdaten/formats';
import type { IANAZone } from 'luxon';
import { z } from 'zod';
import {
  type CsvRow,
  findColumn,
  hasHeaderCellCount,
  readCsvTable,
  requireColumns,
} from '../common/csv-table.reader';
import { parseDecoderOptions } from '../common/decoder-options.parser';
import { SourceResultCollector } from '../common/source-result.collector';
import { parseDecimalText, pointGeometry } from '../common/source-value.parser';
import {
  formatWallClock,
  parseClockTime,
  parseGermanDate,
  requireTimeZone,
  wallClockMs,
} from '../common/wall-clock.parser';
import { skippedWallClockMessage } from '../common/wall-clock.series';
import type { SourceDecodeContext, SourceDecodeResult, SourceDecoder } from '../source-decoder.interface';

const FORMAT = 'AWEL water-temperature CSV';
const REQUIRED_COLUMNS = [
  'gewaesser',
  'messeinheit',
  'datum_messung',
  'zeit_messung',
  'aktueller_wert',
] as const;
const CELSIUS_TEXTS: ReadonlySet<string> = new Set(['°C', 'Cel', 'degC']);
/** Station metadata columns that become feature properties, by property name. */
const PROPERTY_COLUMNS: Readonly<Record<string, string>> = {
  water_body: 'GEWAESSERNAME',
  water_type: 'GEWAESSERTYP',
  place: 'ORTSBEZEICHNUNG',
  operator: 'ORGANISATION',
};

const optionsSchema = z.object({}).strict();

type RequiredColumns = Record<(typeof REQUIRED_COLUMNS)[number], number>;

/**
 * Decodes the water-temperature table of the Canton of Zurich (AWEL) as scraped from the
 * cantonal flood page: `,`-separated, one row per station and scrape, several scrapes per
 * file. Feature key: the station name in `gewaesser` (Limmat-Zch. KW Letten), with its
 * position from wgs84_y (longitude) and wgs84_x (latitude); the column names are swapped at
 * the source. Field: water_temperature (Cel) from aktueller_wert; the 24-hour statistics are
 * not read, because the source writes 0.0 into minimum_24h for gaps.
 *
 * Time: datum_messung and zeit_messung are the local measurement time without offset, read
 * in ctx.timeZone (Europe/Zurich; Europe/Berlin has the same rules). Rows of one station are
 * scrapes, not a sequence, so a time in the repeated autumn hour resolves to its first
 * occurrence. A station that did not report keeps its last measurement in the next scrape:
 * a repeated (station, time) with the same value is emitted once, one with another value is
 * a problem.
 */
export class PoolWaterTemperatureDecoder implements SourceDecoder {
  readonly name = 'pool-water-temperature';
  readonly description = 'Water temperature per bathing site or station, AWEL Zurich table (CSV, °C).';
  readonly optionsSchema = optionsSchema;

  decode(input: Uint8Array, ctx: SourceDecodeContext): SourceDecodeResult {
    parseDecoderOptions(optionsSchema, ctx.options, this.name);
    const zone = requireTimeZone(ctx.timeZone, this.name);
    const table = readCsvTable(input, { format: FORMAT, delimiter: ',' });
    const columns = requireColumns(table.header, REQUIRED_COLUMNS, FORMAT);
    const result = new SourceResultCollector();
    /** Value and line of each (station, time) emitted so far. */
    const emitted = new Map<string, { value: number; line: number }>();

    for (const row of table.rows) {
      if (!hasHeaderCellCount(table, row, result)) {
        continue;
      }

      const station = row.cells[columns.gewaesser].trim();
      // NOTE: a station listed twice per scrape with two positions (Jonen-Zwillikon) keeps the first one.
      if (!result.hasFeature(station)) {
        addStationFeature(row, station, table.header, result);
      }
      const timeMs = readMeasurementTime(row, columns, zone, result);
      if (timeMs !== undefined) {
        readTemperature(row, station, timeMs, columns, emitted, result);
      }
    }

    return result.build();
  }
}

function addStationFeature(
  row: CsvRow,
  station: string,
  header: readonly string[],
  result: SourceResultCollector,
): void {
  const cell = (name: string): string => {
    const index = findColumn(header, [name]);

    return index === -1 ? '' : row.cells[index].trim();
  };
  const latitude = parseDecimalText(cell('wgs84_x'));
  const longitude = parseDecimalText(cell('wgs84_y'));
  const geometry =
    latitude === undefined || longitude === undefined ? undefined : pointGeometry(longitude, latitude);
  if (geometry === undefined) {
    const value = `${cell('wgs84_x')},${cell('wgs84_y')}`;
    result.reject(
      RejectionCode.INVALID_PAYLOAD,
      `The position '${value}' (wgs84_x latitude, wgs84_y longitude) is not in WGS 84, so ${station} gets no location.`,
      `line ${row.line}, columns "wgs84_x", "wgs84_y"`,
      value,
    );
  }

  const properties: Record<string, string> = {};
  for (const [property, column] of Object.entries(PROPERTY_COLUMNS)) {
    if (cell(column) !== '') {
      properties[property] = cell(column);
    }
  }
  result.addFeature({
    key: station,
    name: station,
    ...(geometry === undefined ? {} : { geometry }),
    properties,
  });
}

function readMeasurementTime(
  row: CsvRow,
  columns: RequiredColumns,
  zone: IANAZone,
  result: SourceResultCollector,
): number | undefined {
  const raw = `${row.cells[columns.datum_messung]} ${row.cells[columns.zeit_messung]}`;
  const position = `line ${row.line}, columns "datum_messung", "zeit_messung"`;
  const date = parseGermanDate(row.cells[columns.datum_messung]);
  const time = parseClockTime(row.cells[columns.zeit_messung]);
  const wallMs = date === undefined || time === undefined ? undefined : wallClockMs(date, time);
  if (wallMs === undefined) {
    result.reject(
      RejectionCode.INVALID_TIMESTAMP,
      `The measurement time '${raw}' is not a local time like '03.06.2022 09:45'; the row is not read.`,
      position,
      raw,
    );

    return undefined;
  }

  const timeMs = resolveLocalTime(wallMs, zone);
  if (timeMs === undefined) {
    result.reject(
      RejectionCode.INVALID_TIMESTAMP,
      skippedWallClockMessage(wallMs, zone),
      position,
      formatWallClock(wallMs),
    );
  }

  return timeMs;
}

function readTemperature(
  row: CsvRow,
  station: string,
  timeMs: number,
  columns: RequiredColumns,
  emitted: Map<string, { value: number; line: number }>,
  result: SourceResultCollector,
): void {
  const raw = row.cells[columns.aktueller_wert].trim();
  const position = `line ${row.line}, column "aktueller_wert"`;
  if (raw === '') {
    result.countMissing();

    return;
  }

  const unit = row.cells[columns.messeinheit].trim();
  const value = parseDecimalText(raw);
  if (!CELSIUS_TEXTS.has(unit) || value === undefined) {
    result.reject(
      RejectionCode.INVALID_PAYLOAD,
      `The value '${raw}' with unit '${unit}' is not a temperature in °C like 18.3.`,
      position,
      `${raw} ${unit}`,
    );

    return;
  }

  const key = `${station}\n${timeMs}`;
  const earlier = emitted.get(key);
  if (earlier === undefined) {
    emitted.set(key, { value, line: row.line });
    result.addRecord({
      featureKey: station,
      field: 'water_temperature',
      value,
      unit: 'Cel',
      timeMs,
      position,
    });
  } else if (earlier.value !== value) {
    result.reject(
      RejectionCode.INVALID_PAYLOAD,
      `The station reports ${value} °C for the same measurement time as line ${earlier.line} (${earlier.value} °C); ` +
        'the first value is kept, so check the source.',
      position,
      raw,
    );
  }
}
