import { RejectionCode } from '@stadtdaten/contracts';
import type { IANAZone } from 'luxon';
import { z } from 'zod';
import { type CsvRow, findColumn, readCsvTable } from '../common/csv-table.reader';
import { parseDecoderOptions } from '../common/decoder-options.parser';
import { unsupportedInput } from '../common/source-input.reader';
import { SourceResultCollector } from '../common/source-result.collector';
import { parseIntegerText } from '../common/source-value.parser';
import { requireTimeZone } from '../common/wall-clock.parser';
import type { SourceDecodeContext, SourceDecodeResult, SourceDecoder } from '../source-decoder.interface';
import { describeLines, readRegionDay, regionsOption, RKI_STATE_NAMES } from './rki-region';

const FORMAT = 'RKI vaccination CSV';
const DOSES_UNIT = '{count}';

const optionsSchema = z.object({ regions: regionsOption }).strict();

interface VaccinationColumns {
  date: number;
  region: number;
  series: number;
  count: number;
}

/** The doses of one region and day, summed over vaccines and age groups. */
interface DayTotals {
  region: string;
  timeMs: number;
  lines: number[];
  dosesBySeries: Map<number, number>;
  /** Set when a row of the day could not be read; the sums would be too low. */
  incomplete: boolean;
}

/**
 * Decodes the RKI vaccination CSV of the repository COVID-19-Impfungen_in_Deutschland: rows
 * `Impfdatum,BundeslandId_Impfort,Impfstoff,Impfserie,Anzahl` per state, or
 * `Impfdatum,LandkreisId_Impfort,Altersgruppe,Impfschutz,Anzahl` per district. Feature key:
 * the region id as written (06 is Hessen, 06411 Darmstadt, 17 the federal agencies, `u` an
 * unknown district). The decoder sums the rows of one region and day over vaccines and age
 * groups into `doses` and `doses_<n>` per dose number n (Impfserie or Impfschutz), all
 * {count}; Janssen's first dose already gives full protection, which the sums do not show.
 * Time: the start of the vaccination day (00:00 in ctx.timeZone). A row that cannot be read
 * is a problem, and its region and day get no records, because their sums would be too low.
 * Each daily file restates the whole history, so a later file replaces earlier values.
 */
export class RkiVaccinationDecoder implements SourceDecoder {
  readonly name = 'rki-vaccination';
  readonly description =
    'RKI COVID-19 vaccinations per state or district and day (CSV): doses per dose number.';
  readonly optionsSchema = optionsSchema;

  decode(input: Uint8Array, ctx: SourceDecodeContext): SourceDecodeResult {
    const options = parseDecoderOptions(optionsSchema, ctx.options, this.name);
    const zone = requireTimeZone(ctx.timeZone, this.name);
    const table = readCsvTable(input, { format: FORMAT, delimiter: ',' });
    const columns = findVaccinationColumns(table.header);
    const selectedRegions = options.regions === undefined ? undefined : new Set(options.regions);
    const result = new SourceResultCollector();
    const days = new Map<string, DayTotals>();

    for (const row of table.rows) {
      const region = (row.cells[columns.region] ?? '').trim();
      if (selectedRegions === undefined || selectedRegions.has(region)) {
        this.addRow(row, region, table.header, columns, zone, days, result);
      }
    }
    for (const day of days.values()) {
      this.emitDay(day, result);
    }

    return result.build();
  }

  private addRow(
    row: CsvRow,
    region: string,
    header: readonly string[],
    columns: VaccinationColumns,
    zone: IANAZone,
    days: Map<string, DayTotals>,
    result: SourceResultCollector,
  ): void {
    const regionDay = readRegionDay(row, header, { ...columns, unknownDistrict: true }, zone, result);
    if (regionDay === undefined) {
      return;
    }

    const day = dayTotals(days, region, regionDay.timeMs);
    day.lines.push(row.line);
    const readNumber = (column: number, min: number, quantity: string): number | undefined => {
      const raw = (row.cells[column] ?? '').trim();
      const value = parseIntegerText(raw);
      if (value !== undefined && value >= min) {
        return value;
      }
      day.incomplete = true;
      result.reject(
        RejectionCode.INVALID_PAYLOAD,
        `The ${quantity} '${raw}' is not a whole number from ${min}; the doses of region ${region} on that day are not emitted.`,
        `line ${row.line}, column "${header[column]}"`,
        raw,
      );

      return undefined;
    };
    const series = readNumber(columns.series, 1, 'dose number');
    const doses = series === undefined ? undefined : readNumber(columns.count, 0, 'dose count');
    if (series === undefined || doses === undefined) {
      return;
    }
    day.dosesBySeries.set(series, (day.dosesBySeries.get(series) ?? 0) + doses);
  }

  private emitDay(day: DayTotals, result: SourceResultCollector): void {
    if (day.incomplete) {
      return;
    }

    const name = RKI_STATE_NAMES[day.region] ?? (day.region === 'u' ? 'unbekannter Landkreis' : undefined);
    result.addFeature({ key: day.region, ...(name === undefined ? {} : { name }) });
    const position = describeLines(day.lines);
    const total = [...day.dosesBySeries.values()].reduce((sum, doses) => sum + doses, 0);
    const common = { featureKey: day.region, unit: DOSES_UNIT, timeMs: day.timeMs, position };
    result.addRecord({ ...common, field: 'doses', value: total });
    for (const series of [...day.dosesBySeries.keys()].sort((a, b) => a - b)) {
      result.addRecord({ ...common, field: `doses_${series}`, value: day.dosesBySeries.get(series) ?? 0 });
    }
  }
}

function dayTotals(days: Map<string, DayTotals>, region: string, timeMs: number): DayTotals {
  const key = `${region} ${timeMs}`;
  let day = days.get(key);
  if (day === undefined) {
    day = { region, timeMs, lines: [], dosesBySeries: new Map(), incomplete: false };
    days.set(key, day);
  }

  return day;
}

function findVaccinationColumns(header: readonly string[]): VaccinationColumns {
  const columns = {
    date: findColumn(header, ['Impfdatum']),
    region: findColumn(header, ['BundeslandId_Impfort', 'LandkreisId_Impfort']),
    series: findColumn(header, ['Impfserie', 'Impfschutz']),
    count: findColumn(header, ['Anzahl']),
  };
  if (Object.values(columns).includes(-1)) {
    throw unsupportedInput(
      FORMAT,
      `has the header '${header.join(',')}'; expected Impfdatum, BundeslandId_Impfort or LandkreisId_Impfort, ` +
        'Impfserie or Impfschutz, and Anzahl.',
    );
  }

  return columns;
}
