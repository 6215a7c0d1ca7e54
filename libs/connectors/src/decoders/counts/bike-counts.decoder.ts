import { RejectionCode } from '@stadtdaten/contracts';
import { z } from 'zod';
import {
  type CsvRow,
  findColumn,
  hasHeaderCellCount,
  readCsvTable,
  requireColumns,
} from '../common/csv-table.reader';
import { parseDecoderOptions } from '../common/decoder-options.parser';
import { parseIsoInstant } from '../common/iso-instant.parser';
import { SourceResultCollector } from '../common/source-result.collector';
import { parseDecimalText, parseIntegerText, pointGeometry } from '../common/source-value.parser';
import { requireTimeZone } from '../common/wall-clock.parser';
import type { SourceDecodeContext, SourceDecodeResult, SourceDecoder } from '../source-decoder.interface';

const FORMAT = 'MobiData BW bicycle-count CSV';
const NO_VALUE = 'na';
const MINUTE_MS = 60_000;
const REQUIRED_COLUMNS = [
  'counter_site_id',
  'counter_site',
  'longitude',
  'latitude',
  'iso_timestamp',
] as const;

/** Value columns, their fields and units; integer columns are counts. */
const VALUE_COLUMNS: readonly { column: string; field: string; unit?: string; integer: boolean }[] = [
  { column: 'channels_all', field: 'bicycles', unit: '{bicycles}', integer: true },
  { column: 'channels_in', field: 'bicycles_in', unit: '{bicycles}', integer: true },
  { column: 'channels_out', field: 'bicycles_out', unit: '{bicycles}', integer: true },
  { column: 'channels_unknown', field: 'bicycles_unknown_direction', unit: '{bicycles}', integer: true },
  { column: 'site_temperature', field: 'air_temperature', unit: 'Cel', integer: false },
  { column: 'site_rain_accumulation', field: 'precipitation', unit: 'mm', integer: false },
  // NOTE: the export does not state the unit of the snow column, and every sample value is na.
  { column: 'site_snow_accumulation', field: 'snow_accumulation', integer: false },
];

/** Descriptive columns that become feature properties. */
const PROPERTY_COLUMNS = ['operator_name', 'domain_name', 'counter_serial'] as const;

const optionsSchema = z
  .object({
    intervalMinutes: z
      .number()
      .int()
      .min(1)
      .max(1440)
      .default(60)
      .describe('Length of one row in minutes: 60 for the hourly files (fahrradzaehler_stundenwerten).'),
  })
  .strict();

type ValueColumn = (typeof VALUE_COLUMNS)[number] & { index: number };

/**
 * Decodes the bicycle-count CSV files of MobiData BW (Eco-Counter stations of
 * Baden-Württemberg municipalities): `,`-separated, one row per counting site and interval,
 * `na` for no value. Feature key: counter_site_id, with the site name and position. Fields:
 * bicycles (channels_all), bicycles_in, bicycles_out and bicycles_unknown_direction, all
 * {bicycles} counted in the interval; air_temperature (Cel), precipitation (mm) and
 * snow_accumulation (no unit stated) from the site's weather columns.
 *
 * Time rule: iso_timestamp is the START of the interval with its UTC offset, so no time zone
 * is needed (the column `timezone` is a display label and is not read). The record time is
 * the END of the interval: start plus option intervalMinutes.
 */
export class BikeCountsDecoder implements SourceDecoder {
  readonly name = 'bike-counts';
  readonly description = 'MobiData BW bicycle counts per counting site and hour (CSV).';
  readonly optionsSchema = optionsSchema;

  decode(input: Uint8Array, ctx: SourceDecodeContext): SourceDecodeResult {
    const options = parseDecoderOptions(optionsSchema, ctx.options, this.name);
    const zone = requireTimeZone(ctx.timeZone, this.name);
    const table = readCsvTable(input, { format: FORMAT, delimiter: ',' });
    const required = requireColumns(table.header, REQUIRED_COLUMNS, FORMAT);
    const values: ValueColumn[] = VALUE_COLUMNS.map((column) => ({
      ...column,
      index: findColumn(table.header, [column.column]),
    })).filter((column) => column.index !== -1);
    const result = new SourceResultCollector();

    for (const row of table.rows) {
      if (!hasHeaderCellCount(table, row, result)) {
        continue;
      }

      const site = row.cells[required.counter_site_id].trim();
      if (!result.hasFeature(site)) {
        addSiteFeature(row, site, table.header, required, result);
      }
      const raw = row.cells[required.iso_timestamp];
      const startMs = parseIsoInstant(raw, zone);
      if (startMs === undefined) {
        result.reject(
          RejectionCode.INVALID_TIMESTAMP,
          `The time '${raw}' is not an ISO 8601 time like 2023-10-23T00:00:00+02:00; the row is not read.`,
          `line ${row.line}, column "iso_timestamp"`,
          raw,
        );
        continue;
      }
      readValues(row, site, startMs + options.intervalMinutes * MINUTE_MS, values, result);
    }

    return result.build();
  }
}

function addSiteFeature(
  row: CsvRow,
  site: string,
  header: readonly string[],
  required: Record<(typeof REQUIRED_COLUMNS)[number], number>,
  result: SourceResultCollector,
): void {
  const longitude = parseDecimalText(row.cells[required.longitude]);
  const latitude = parseDecimalText(row.cells[required.latitude]);
  const geometry =
    longitude === undefined || latitude === undefined ? undefined : pointGeometry(longitude, latitude);
  if (geometry === undefined) {
    const value = `${row.cells[required.longitude]},${row.cells[required.latitude]}`;
    result.reject(
      RejectionCode.INVALID_PAYLOAD,
      `The position '${value}' is not a WGS 84 longitude and latitude, so site ${site} gets no location.`,
      `line ${row.line}, columns "longitude", "latitude"`,
      value,
    );
  }

  const properties: Record<string, string> = {};
  for (const name of PROPERTY_COLUMNS) {
    const index = findColumn(header, [name]);
    if (index !== -1 && row.cells[index].trim() !== '') {
      properties[name] = row.cells[index].trim();
    }
  }
  result.addFeature({
    key: site,
    name: row.cells[required.counter_site].trim(),
    ...(geometry === undefined ? {} : { geometry }),
    properties,
  });
}

function readValues(
  row: CsvRow,
  site: string,
  timeMs: number,
  columns: readonly ValueColumn[],
  result: SourceResultCollector,
): void {
  for (const column of columns) {
    const raw = row.cells[column.index].trim();
    const position = `line ${row.line}, column "${column.column}"`;
    if (raw === NO_VALUE) {
      result.countMissing();
      continue;
    }

    const value = column.integer ? parseIntegerText(raw) : parseDecimalText(raw);
    if (value === undefined || (column.integer && value < 0)) {
      const expected = column.integer ? 'a whole number from 0' : 'a number like 10.5';
      result.reject(
        RejectionCode.INVALID_PAYLOAD,
        `The value '${raw}' is not ${expected}, nor na for no value.`,
        position,
        raw,
      );
      continue;
    }
    result.addRecord({ featureKey: site, field: column.field, value, unit: column.unit, timeMs, position });
  }
}
