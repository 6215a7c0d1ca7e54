import { RejectionCode } from '@stadtdaten/contracts';
import type { IANAZone } from 'luxon';
import { z } from 'zod';
import { type CsvRow, findColumn, hasHeaderCellCount, readCsvTable } from '../common/csv-table.reader';
import { parseDecoderOptions } from '../common/decoder-options.parser';
import { unsupportedInput } from '../common/source-input.reader';
import { SourceResultCollector } from '../common/source-result.collector';
import {
  type CalendarDate,
  type ClockTime,
  parseClockTime,
  parseGermanDate,
  parseIsoDate,
  requireTimeZone,
  wallClockMs,
} from '../common/wall-clock.parser';
import { skippedWallClockMessage, WallClockSeries } from '../common/wall-clock.series';
import type { SourceDecodeContext, SourceDecodeResult, SourceDecoder } from '../source-decoder.interface';

const FORMAT = 'UBA air-quality CSV';
const HOUR_MS = 3_600_000;
const NO_VALUE = '-';

/** A value column of the export, recognised by the component named in its header. */
interface ComponentColumn {
  index: number;
  header: string;
  field: string;
  /** UCUM code from the header's "in µg/m³"; undefined for the text column of the index. */
  unit?: string;
}

const COMPONENTS: readonly { field: string; pattern: RegExp }[] = [
  { field: 'pm10', pattern: /PM₁₀|PM10/i },
  { field: 'pm2_5', pattern: /PM₂,₅|PM₂\.₅|PM2[,.]5/i },
  { field: 'o3', pattern: /O₃|\bO3\b|\bOzon/i },
  { field: 'no2', pattern: /NO₂|\bNO2\b/i },
  { field: 'so2', pattern: /SO₂|\bSO2\b/i },
  { field: 'co', pattern: /\(CO\)|Kohlenmonoxid|carbon monoxide/i },
  { field: 'air_quality_index', pattern: /air quality index|luftqualitätsindex/i },
];

const UNITS: readonly { unit: string; pattern: RegExp }[] = [
  { unit: 'ug/m3', pattern: /in (?:µg|ug)\/m(?:³|3)/i },
  { unit: 'mg/m3', pattern: /in mg\/m(?:³|3)/i },
];

const optionsSchema = z.object({}).strict();

/**
 * Decodes the CSV download of the Umweltbundesamt's "Air data / air quality" pages. The file
 * has one row per station and hour, `;` as separator and a byte order mark. Its value columns
 * name the component and unit ("Nitrogen dioxide (NO₂) One hour average in µg/m³"), `-` means
 * "no value", and a one-cell footer line ("Source: German Environment Agency …") is not data.
 * Feature key: the EU station code (DENW095). Fields: pm10, pm2_5, o3, no2, so2 and
 * co in the header's unit (PM10 and PM2.5 are the floating 24-hour means the export states),
 * and air_quality_index as text.
 *
 * Time rule: the date `'2022-10-24 01:00'` is the END of the averaging hour in the local time
 * valid at measurement (the footer says "CET or CEST"), so `24:00` ends the day. On the autumn
 * change the export writes `03:00` twice (the hour 02-03 CEST, then 02-03 CET). The decoder
 * therefore resolves the hour's START (label minus one hour) in ctx.timeZone with
 * WallClockSeries per station, so the second `03:00` of a station becomes the later hour, and
 * adds one hour: the records' time is the end of the hour in UTC.
 */
export class UbaAirDecoder implements SourceDecoder {
  readonly name = 'uba-air';
  readonly description = 'Umweltbundesamt air-quality CSV download: hourly values per station (µg/m³).';
  readonly optionsSchema = optionsSchema;

  decode(input: Uint8Array, ctx: SourceDecodeContext): SourceDecodeResult {
    parseDecoderOptions(optionsSchema, ctx.options, this.name);
    const zone = requireTimeZone(ctx.timeZone, this.name);
    const table = readCsvTable(input, { format: FORMAT, delimiter: ';' });
    const stationColumn = findColumn(table.header, ['Station code', 'Stationscode', 'Station']);
    const dateColumn = findColumn(table.header, ['Date', 'Datum']);
    if (stationColumn === -1 || dateColumn === -1) {
      throw unsupportedInput(
        FORMAT,
        `has the header '${table.header.join(';')}' without the columns "Station code" and "Date"; ` +
          'download the CSV from the UBA air data pages.',
      );
    }

    const result = new SourceResultCollector();
    const components = this.readComponentColumns(table.header, [stationColumn, dateColumn], result);
    const seriesByStation = new Map<string, WallClockSeries>();
    for (const row of table.rows) {
      if (isFooter(row)) {
        continue;
      }
      if (!hasHeaderCellCount(table, row, result)) {
        continue;
      }

      const station = row.cells[stationColumn].trim();
      let series = seriesByStation.get(station);
      if (series === undefined) {
        series = new WallClockSeries(zone);
        seriesByStation.set(station, series);
        result.addFeature({ key: station });
      }
      const timeMs = this.readHourEnd(row, dateColumn, table.header[dateColumn], series, zone, result);
      if (timeMs !== undefined) {
        this.readValues(row, station, timeMs, components, result);
      }
    }

    return result.build();
  }

  private readComponentColumns(
    header: readonly string[],
    fixedColumns: readonly number[],
    result: SourceResultCollector,
  ): ComponentColumn[] {
    const columns: ComponentColumn[] = [];
    header.forEach((name, index) => {
      if (fixedColumns.includes(index)) {
        return;
      }
      const component = COMPONENTS.find((candidate) => candidate.pattern.test(name));
      if (component === undefined) {
        result.reject(
          RejectionCode.UNSUPPORTED_FORMAT,
          `Column "${name}" names no component this decoder knows (PM10, PM2.5, O3, NO2, SO2, CO, ` +
            'air quality index), so its values are not read; remove the column from the download.',
          `line 1, column "${name}"`,
          name,
        );

        return;
      }
      const unit = UNITS.find((candidate) => candidate.pattern.test(name))?.unit;
      columns.push({ index, header: name, field: component.field, unit });
    });

    return columns;
  }

  /** End of the averaging hour in UTC, or undefined after recording the problem. */
  private readHourEnd(
    row: CsvRow,
    dateColumn: number,
    dateHeader: string,
    series: WallClockSeries,
    zone: IANAZone,
    result: SourceResultCollector,
  ): number | undefined {
    const raw = row.cells[dateColumn];
    const position = `line ${row.line}, column "${dateHeader}"`;
    const labelWallMs = parseHourLabel(raw);
    if (labelWallMs === undefined) {
      result.reject(
        RejectionCode.INVALID_TIMESTAMP,
        `The date '${raw}' is not a time like '2022-10-24 01:00' or '24.10.2022 01:00'; the row is not read.`,
        position,
        raw,
      );

      return undefined;
    }

    const startWallMs = labelWallMs - HOUR_MS;
    const startMs = series.resolve(startWallMs);
    if (startMs === undefined) {
      result.reject(
        RejectionCode.INVALID_TIMESTAMP,
        skippedWallClockMessage(startWallMs, zone),
        position,
        raw,
      );

      return undefined;
    }

    return startMs + HOUR_MS;
  }

  private readValues(
    row: CsvRow,
    station: string,
    timeMs: number,
    components: readonly ComponentColumn[],
    result: SourceResultCollector,
  ): void {
    for (const column of components) {
      const raw = row.cells[column.index].trim();
      const position = `line ${row.line}, column "${column.header}"`;
      if (raw === NO_VALUE) {
        result.countMissing();
        continue;
      }
      if (column.field === 'air_quality_index') {
        if (raw === '') {
          result.reject(
            RejectionCode.INVALID_PAYLOAD,
            'The air quality index is empty; UBA writes "-" for no value.',
            position,
            raw,
          );
        } else {
          result.addRecord({ featureKey: station, field: column.field, value: raw, timeMs, position });
        }
        continue;
      }

      const value = parseConcentration(raw);
      if (value === undefined) {
        result.reject(
          RejectionCode.INVALID_PAYLOAD,
          `The value '${raw}' is not a number like 19 or 0.8, nor "-" for no value.`,
          position,
          raw,
        );
        continue;
      }
      result.addRecord({
        featureKey: station,
        field: column.field,
        value,
        unit: column.unit,
        timeMs,
        position,
      });
    }
  }
}

/** Returns whether the row is the one-cell source line at the end of every download. */
function isFooter(row: CsvRow): boolean {
  return row.cells.length === 1 && /^\s*(source|quelle)\b/i.test(row.cells[0]);
}

/** Wall-clock ms of `'2022-10-24 01:00'` or `'24.10.2022 01:00'`; the apostrophes are optional. */
function parseHourLabel(raw: string): number | undefined {
  const text = raw.trim().replace(/^'/, '').replace(/'$/, '');
  const [dateText = '', timeText = ''] = text.split(' ');
  const date: CalendarDate | undefined = parseIsoDate(dateText) ?? parseGermanDate(dateText);
  const time: ClockTime | undefined = parseClockTime(timeText);

  return date === undefined || time === undefined ? undefined : wallClockMs(date, time);
}

/** `19`, `0.8`, or `0,8` as German downloads write it. */
function parseConcentration(raw: string): number | undefined {
  return /^-?\d+(?:[.,]\d+)?$/.test(raw) ? Number(raw.replace(',', '.')) : undefined;
}
