import { RejectionCode } from '@stadtdaten/contracts';
import type { IANAZone } from 'luxon';
import { z } from 'zod';
import { type CsvRow, findColumn, readCsvTable } from '../common/csv-table.reader';
import { parseDecoderOptions } from '../common/decoder-options.parser';
import { unsupportedInput } from '../common/source-input.reader';
import { SourceResultCollector } from '../common/source-result.collector';
import { parseDecimalText, parseIntegerText } from '../common/source-value.parser';
import { requireTimeZone } from '../common/wall-clock.parser';
import type { SourceDecodeContext, SourceDecodeResult, SourceDecoder } from '../source-decoder.interface';
import { readRegionDay, regionsOption, RKI_STATE_NAMES } from './rki-region';

const FORMAT = 'RKI incidence CSV';

/** Value columns by their names in the RKI files and in the derived "frozen incidence" files. */
const VALUE_COLUMNS: readonly { names: readonly string[]; field: string; unit?: string; integer: boolean }[] =
  [
    { names: ['AnzahlFall_7d', 'Faelle_7-Tage'], field: 'cases_7d', unit: '{count}', integer: true },
    { names: ['incidence_7d', 'Inzidenz_7-Tage'], field: 'incidence_7d', integer: false },
    { names: ['Faelle_neu'], field: 'new_cases', unit: '{count}', integer: true },
    { names: ['Faelle_gesamt'], field: 'total_cases', unit: '{count}', integer: true },
  ];

const optionsSchema = z
  .object({
    regions: regionsOption,
    ageGroup: z
      .string()
      .min(1)
      .default('00+')
      .describe('Age group to read where the file has the column Altersgruppe; 00+ is all ages.'),
  })
  .strict();

interface IncidenceColumns {
  date: number;
  region: number;
  name: number;
  ageGroup: number;
  population: number;
  values: { index: number; header: string; field: string; unit?: string; integer: boolean }[];
}

/**
 * Decodes the 7-day COVID-19 incidence per district or state as CSV: the RKI files
 * `COVID-19-Faelle_7-Tage-Inzidenz_Landkreise.csv` (Meldedatum, Landkreis_id, …) and
 * `…_Bundeslaender.csv` (with Bundesland_id and Altersgruppe), and the derived daily files
 * with Datenstand, IdLandkreis, Landkreis, AnzahlFall_7d and incidence_7d. Feature key: the
 * region id as written, with its leading zero (06411 is Darmstadt, 06 is Hessen). Fields:
 * incidence_7d (cases per 100 000 inhabitants, no UCUM unit), cases_7d, new_cases and
 * total_cases ({count}). Time: the start of the reported day (00:00 in ctx.timeZone).
 * Option `regions` selects rows by id; `ageGroup` (default 00+) selects the age group.
 */
export class RkiIncidenceDecoder implements SourceDecoder {
  readonly name = 'rki-incidence';
  readonly description = 'RKI 7-day COVID-19 incidence per district or state (CSV).';
  readonly optionsSchema = optionsSchema;

  decode(input: Uint8Array, ctx: SourceDecodeContext): SourceDecodeResult {
    const options = parseDecoderOptions(optionsSchema, ctx.options, this.name);
    const zone = requireTimeZone(ctx.timeZone, this.name);
    const table = readCsvTable(input, { format: FORMAT, delimiter: ',' });
    const columns = findIncidenceColumns(table.header);
    const selectedRegions = options.regions === undefined ? undefined : new Set(options.regions);
    const result = new SourceResultCollector();

    for (const row of table.rows) {
      const region = (row.cells[columns.region] ?? '').trim();
      const ageGroup = columns.ageGroup === -1 ? options.ageGroup : row.cells[columns.ageGroup]?.trim();
      if ((selectedRegions !== undefined && !selectedRegions.has(region)) || ageGroup !== options.ageGroup) {
        continue;
      }
      this.readRow(row, region, table.header, columns, zone, result);
    }

    return result.build();
  }

  private readRow(
    row: CsvRow,
    region: string,
    header: readonly string[],
    columns: IncidenceColumns,
    zone: IANAZone,
    result: SourceResultCollector,
  ): void {
    const regionDay = readRegionDay(row, header, { ...columns, unknownDistrict: false }, zone, result);
    if (regionDay === undefined) {
      return;
    }

    const { timeMs } = regionDay;
    this.addRegionFeature(row, region, columns, result);
    for (const column of columns.values) {
      const raw = row.cells[column.index] ?? '';
      const position = `line ${row.line}, column "${column.header}"`;
      const value = column.integer ? parseIntegerText(raw) : parseDecimalText(raw);
      if (value === undefined) {
        const expected = column.integer ? 'a whole number' : 'a number like 949.9';
        result.reject(RejectionCode.INVALID_PAYLOAD, `The value '${raw}' is not ${expected}.`, position, raw);
        continue;
      }
      result.addRecord({
        featureKey: region,
        field: column.field,
        value,
        unit: column.unit,
        timeMs,
        position,
      });
    }
  }

  private addRegionFeature(
    row: CsvRow,
    region: string,
    columns: IncidenceColumns,
    result: SourceResultCollector,
  ): void {
    if (result.hasFeature(region)) {
      return;
    }

    const name = columns.name === -1 ? RKI_STATE_NAMES[region] : row.cells[columns.name]?.trim();
    const population =
      columns.population === -1 ? undefined : parseIntegerText(row.cells[columns.population] ?? '');
    result.addFeature({
      key: region,
      ...(name === undefined || name === '' ? {} : { name }),
      ...(population === undefined ? {} : { properties: { population } }),
    });
  }
}

function findIncidenceColumns(header: readonly string[]): IncidenceColumns {
  const date = findColumn(header, ['Datenstand', 'Meldedatum']);
  const region = findColumn(header, ['IdLandkreis', 'Landkreis_id', 'IdBundesland', 'Bundesland_id']);
  const values = VALUE_COLUMNS.map((column) => ({ ...column, index: findColumn(header, column.names) }))
    .filter((column) => column.index !== -1)
    .map(({ index, field, unit, integer }) => ({ index, header: header[index], field, unit, integer }));
  if (date === -1 || region === -1 || values.length === 0) {
    throw unsupportedInput(
      FORMAT,
      `has the header '${header.join(',')}'; expected a date column (Meldedatum or Datenstand), a region column ` +
        '(Landkreis_id, IdLandkreis, Bundesland_id or IdBundesland) and incidence columns.',
    );
  }

  return {
    date,
    region,
    name: findColumn(header, ['Landkreis', 'Bundesland']),
    ageGroup: findColumn(header, ['Altersgruppe']),
    population: findColumn(header, ['Bevoelkerung']),
    values,
  };
}
