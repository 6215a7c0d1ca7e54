import { RejectionCode } from '@stadtdaten/contracts';
import { resolveLocalTime } from '@stadtdaten/formats';
import type { IANAZone } from 'luxon';
import { z } from 'zod';
import { type CsvRow, hasHeaderCellCount, readCsvTable } from '../common/csv-table.reader';
import { parseDecoderOptions } from '../common/decoder-options.parser';
import { parseGroupedNumber } from '../common/grouped-number.parser';
import { unsupportedInput } from '../common/source-input.reader';
import { SourceResultCollector } from '../common/source-result.collector';
import { requireTimeZone } from '../common/wall-clock.parser';
import { skippedWallClockMessage, WallClockSeries } from '../common/wall-clock.series';
import type { SourceDecodeContext, SourceDecodeResult, SourceDecoder } from '../source-decoder.interface';
import { detectSmardLayout, type SmardLayout } from './smard-layout';

const FORMAT = 'SMARD CSV';
const NO_VALUE = '-';

/** Field names of the energy sources in German and English downloads of "Realisierte Erzeugung". */
const ENERGY_SOURCES: Readonly<Record<string, string>> = {
  biomasse: 'biomass',
  biomass: 'biomass',
  wasserkraft: 'hydropower',
  hydropower: 'hydropower',
  'wind offshore': 'wind_offshore',
  'wind onshore': 'wind_onshore',
  photovoltaik: 'photovoltaics',
  photovoltaics: 'photovoltaics',
  'sonstige erneuerbare': 'other_renewable',
  'other renewable': 'other_renewable',
  kernenergie: 'nuclear',
  nuclear: 'nuclear',
  braunkohle: 'lignite',
  lignite: 'lignite',
  steinkohle: 'hard_coal',
  'hard coal': 'hard_coal',
  erdgas: 'fossil_gas',
  'fossil gas': 'fossil_gas',
  pumpspeicher: 'pumped_storage',
  'hydro pumped storage': 'pumped_storage',
  'sonstige konventionelle': 'other_conventional',
  'other conventional': 'other_conventional',
};

/** `Generation_DE Datteln 4 [MW] Originalauflösungen`: one generating unit of the power-plant data. */
const PLANT_UNIT = /^(?:Generation|Erzeugung)_([A-Z]{2}) (.+)$/;
const VALUE_HEADER = /^(.+?)\s*\[(MWh|MW)\]/;

const optionsSchema = z
  .object({
    area: z
      .string()
      .min(1)
      .default('DE')
      .describe('Feature key for the energy-source columns of the national or control-area generation mix.'),
  })
  .strict();

interface ValueColumn {
  index: number;
  header: string;
  featureKey: string;
  field: string;
  unit: 'MW' | 'MW.h';
}

/**
 * Decodes the CSV downloads of SMARD (Bundesnetzagentur): realised generation per energy
 * source ("Biomasse [MWh] Originalauflösungen" …) or per generating unit of the power-plant
 * data ("Generation_DE Datteln 4 [MW] Originalauflösungen"), in the German and English
 * layouts that detectSmardLayout lists. Energy-source columns become fields of one feature
 * (option `area`, default DE): biomass, hydropower, wind_offshore, wind_onshore,
 * photovoltaics, other_renewable, nuclear, lignite, hard_coal, fossil_gas, pumped_storage,
 * other_conventional. A generating-unit column becomes the field `generation` of a feature
 * keyed by the unit's name (Datteln 4). The unit is the header's: MW (mean power in the
 * interval) or MW.h (energy in the interval). `-` means no value.
 *
 * Time rule: the interval start is local time in ctx.timeZone. On the autumn change SMARD
 * writes `02:00;03:00` twice, so the start is resolved with WallClockSeries (the second row
 * is the later hour) and the record time is the END of the interval in UTC (see
 * intervalEndMs for the daylight-saving changes).
 */
export class SmardGenerationDecoder implements SourceDecoder {
  readonly name = 'smard-generation';
  readonly description =
    'SMARD realised electricity generation per energy source or generating unit (CSV, MW or MWh).';
  readonly optionsSchema = optionsSchema;

  decode(input: Uint8Array, ctx: SourceDecodeContext): SourceDecodeResult {
    const options = parseDecoderOptions(optionsSchema, ctx.options, this.name);
    const zone = requireTimeZone(ctx.timeZone, this.name);
    const table = readCsvTable(input, { format: FORMAT, delimiter: ';' });
    const layout = detectSmardLayout(table.header);
    if (layout === undefined) {
      throw unsupportedInput(
        FORMAT,
        `has the header '${table.header.slice(0, 3).join(';')}…'; expected Datum;Anfang;Ende, Datum von;Datum bis, ` +
          'Date;Start;End or Start date;End date followed by value columns.',
      );
    }

    const result = new SourceResultCollector();
    const columns = readValueColumns(table.header, layout, options.area, result);
    const series = new WallClockSeries(zone);
    for (const row of table.rows) {
      if (!hasHeaderCellCount(table, row, result)) {
        continue;
      }
      const timeMs = readIntervalEnd(row, layout, series, zone, result);
      if (timeMs !== undefined) {
        readValues(row, columns, layout, timeMs, result);
      }
    }

    return result.build();
  }
}

function readValueColumns(
  header: readonly string[],
  layout: SmardLayout,
  area: string,
  result: SourceResultCollector,
): ValueColumn[] {
  const columns: ValueColumn[] = [];
  header.slice(layout.timeColumns).forEach((name, offset) => {
    const index = layout.timeColumns + offset;
    const position = `line 1, column "${name}"`;
    const valueHeader = VALUE_HEADER.exec(name);
    if (valueHeader === null) {
      result.reject(
        RejectionCode.UNSUPPORTED_FORMAT,
        `Column "${name}" states no unit [MW] or [MWh], so its values are not read; download generation data.`,
        position,
        name,
      );

      return;
    }

    const unit = valueHeader[2] === 'MWh' ? 'MW.h' : 'MW';
    const plant = PLANT_UNIT.exec(valueHeader[1]);
    if (plant !== null) {
      result.addFeature({ key: plant[2], name: plant[2], properties: { area: plant[1] } });
      columns.push({ index, header: name, featureKey: plant[2], field: 'generation', unit });

      return;
    }

    const field = ENERGY_SOURCES[valueHeader[1].toLowerCase()];
    if (field === undefined) {
      result.reject(
        RejectionCode.UNSUPPORTED_FORMAT,
        `Column "${name}" names no energy source this decoder knows, so its values are not read; ` +
          'download "Realisierte Erzeugung" or the power-plant data.',
        position,
        name,
      );

      return;
    }
    result.addFeature({ key: area });
    columns.push({ index, header: name, featureKey: area, field, unit });
  });

  return columns;
}

/** End of the row's interval in UTC, or undefined after recording the problem. */
function readIntervalEnd(
  row: CsvRow,
  layout: SmardLayout,
  series: WallClockSeries,
  zone: IANAZone,
  result: SourceResultCollector,
): number | undefined {
  const timeCells = row.cells.slice(0, layout.timeColumns);
  const position = `line ${row.line}, columns 1-${layout.timeColumns}`;
  const interval = layout.readInterval(timeCells);
  if (interval === undefined || interval.endWallMs <= interval.startWallMs) {
    result.reject(
      RejectionCode.INVALID_TIMESTAMP,
      `The interval '${timeCells.join(';')}' is not a time interval like '${layout.example}'; the row is not read.`,
      position,
      timeCells.join(';'),
    );

    return undefined;
  }

  const startMs = series.resolve(interval.startWallMs);
  if (startMs === undefined) {
    result.reject(
      RejectionCode.INVALID_TIMESTAMP,
      skippedWallClockMessage(interval.startWallMs, zone),
      position,
      timeCells.join(';'),
    );

    return undefined;
  }

  return intervalEndMs(startMs, interval, zone);
}

/**
 * Computes the earliest plausible end of an interval: start plus the written length, or the written end read as
 * local time when that is earlier and still after the start. The first rule is right on the
 * autumn change (`02:00;03:00` lasts one hour both times), the second across the spring gap
 * (`01:45;03:00` lasts 15 minutes).
 */
function intervalEndMs(
  startMs: number,
  interval: { startWallMs: number; endWallMs: number },
  zone: IANAZone,
): number {
  const byLength = startMs + (interval.endWallMs - interval.startWallMs);
  const byEndTime = resolveLocalTime(interval.endWallMs, zone);

  return byEndTime !== undefined && byEndTime > startMs && byEndTime < byLength ? byEndTime : byLength;
}

function readValues(
  row: CsvRow,
  columns: readonly ValueColumn[],
  layout: SmardLayout,
  timeMs: number,
  result: SourceResultCollector,
): void {
  for (const column of columns) {
    const raw = row.cells[column.index].trim();
    const position = `line ${row.line}, column "${column.header}"`;
    if (raw === NO_VALUE) {
      result.countMissing();
      continue;
    }

    const value = parseGroupedNumber(raw, layout.numberStyle);
    if (value === undefined) {
      const example = layout.numberStyle === 'german' ? '1.015 or 1.015,5' : '1,015 or 1,015.5';
      result.reject(
        RejectionCode.INVALID_PAYLOAD,
        `The value '${raw}' is not a number like ${example}, nor "-" for no value.`,
        position,
        raw,
      );
      continue;
    }
    result.addRecord({
      featureKey: column.featureKey,
      field: column.field,
      value,
      unit: column.unit,
      timeMs,
      position,
    });
  }
}
