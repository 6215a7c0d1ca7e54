import { RejectionCode, RejectionError } from '@stadtdaten/contracts';
import { z } from 'zod';
import { type CsvLine, parseCsvLines } from '../common/csv-lines.parser';
import { parseDecoderOptions } from '../common/decoder-options.parser';
import { unsupportedInput } from '../common/source-input.reader';
import { SourceResultCollector } from '../common/source-result.collector';
import { parseDecimalText, pointGeometry } from '../common/source-value.parser';
import type {
  SourceDecodeContext,
  SourceDecoder,
  SourceDecodeResult,
  SourceFeature,
} from '../source-decoder.interface';
import { type RegisterColumns, readRegisterProperties } from './bnetza-register.columns';

const NAME = 'bnetza-charging-register';
const utf8 = new TextDecoder('utf-8', { fatal: true });
const windows1252 = new TextDecoder('windows-1252');

export const BNETZA_CHARGING_REGISTER_OPTIONS = z
  .object({
    includeOperator: z
      .boolean()
      .default(false)
      .describe(
        'Copy the operator (Betreiber) into the properties; off by default because operators can be private persons.',
      ),
  })
  .strict();

/**
 * The Ladesäulenregister of the Bundesnetzagentur (CC BY 4.0) as CSV with `;`: preamble rows,
 * then the header row starting with `Betreiber`, then one row per charging station with up to
 * four charge points. The text is read as UTF-8, else as Windows-1252, and coordinates may use
 * a decimal comma.
 *
 * Features only, one per station, no records. The register has no station ids, so the key is
 * built from the coordinates rounded to 5 decimals (about 1 m) as `<lat>_<lon>`. Stations at the
 * same rounded coordinates get `-2`, `-3`… in file order. Properties: address, postcode, city,
 * state, commissioned (ISO date; an Excel day number is converted), power_kw, charging_type,
 * charge_points and per point n `point_<n>_connectors`, `point_<n>_power_kw`,
 * `point_<n>_public_key`.
 */
export class BnetzaChargingRegisterDecoder implements SourceDecoder {
  readonly name = NAME;
  readonly description =
    'Ladesäulenregister of the Bundesnetzagentur (charging stations as features, no readings)';
  readonly optionsSchema = BNETZA_CHARGING_REGISTER_OPTIONS;

  decode(input: Uint8Array, ctx: SourceDecodeContext): SourceDecodeResult {
    const options = parseDecoderOptions(BNETZA_CHARGING_REGISTER_OPTIONS, ctx.options, NAME);
    const lines = parseRegisterCsv(decodeRegisterText(input), ctx.sourceName);
    const headerIndex = lines.findIndex((line) => line.record[0]?.trim() === 'Betreiber');
    if (headerIndex < 0) {
      throw unsupportedInput(
        NAME,
        `${ctx.sourceName} has no header row starting with 'Betreiber'; it is not the Ladesäulenregister.`,
      );
    }

    const columns = findColumns(lines[headerIndex].record, ctx.sourceName);
    const collector = new SourceResultCollector();
    const keyCounts = new Map<string, number>();
    for (const line of lines.slice(headerIndex + 1)) {
      if (line.record.every((cell) => cell.trim() === '')) {
        continue;
      }
      addStation(line, columns, options.includeOperator, keyCounts, collector);
    }

    return collector.build();
  }
}

/** Decodes the bytes as UTF-8 when they are valid UTF-8, else as Windows-1252. */
function decodeRegisterText(input: Uint8Array): string {
  let text: string;
  try {
    text = utf8.decode(input);
  } catch {
    text = windows1252.decode(input);
  }

  return text.startsWith('\uFEFF') ? text.slice(1) : text;
}

function parseRegisterCsv(text: string, sourceName: string): CsvLine[] {
  try {
    return parseCsvLines(text, ';');
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new RejectionError(
      RejectionCode.MALFORMED_PAYLOAD,
      `The ${NAME} input ${sourceName} is not valid CSV (${reason}).`,
      {
        cause,
      },
    );
  }
}

/**
 * Column index of the first header that starts with `prefix`, so that `Längengrad [DG]` and
 * `Längengrad` both match.
 */
function findColumns(header: string[], sourceName: string): RegisterColumns {
  const names = header.map((name) => name.trim());
  const column = (prefix: string) => names.findIndex((name) => name.startsWith(prefix));
  const columns: RegisterColumns = {
    operator: column('Betreiber'),
    address: column('Adresse'),
    postcodeCity: column('Postleitzahl'),
    state: column('Bundesland'),
    longitude: column('Längengrad'),
    latitude: column('Breitengrad'),
    commissioned: column('Inbetriebnahme'),
    powerKw: column('Anschlussleistung'),
    chargingType: column('Art der Ladeeinrichtung'),
    chargePoints: column('Anzahl Ladepunkte'),
    points: [1, 2, 3, 4].map((n) => ({
      n,
      connectors: column(`Steckertypen${n}`),
      powerKw: column(`P${n} [kW]`),
      publicKey: column(`Public Key${n}`),
    })),
  };
  const missing = (['address', 'postcodeCity', 'longitude', 'latitude'] as const).filter(
    (name) => columns[name] < 0,
  );
  if (missing.length > 0) {
    throw unsupportedInput(
      NAME,
      `${sourceName} lacks the columns ${missing.join(', ')} (Adresse, Postleitzahl Ort, Längengrad, Breitengrad).`,
    );
  }

  return columns;
}

function addStation(
  line: CsvLine,
  columns: RegisterColumns,
  includeOperator: boolean,
  keyCounts: Map<string, number>,
  collector: SourceResultCollector,
): void {
  const cell = (index: number) => (index < 0 ? '' : (line.record[index] ?? '').trim());
  const latitudeText = cell(columns.latitude);
  const longitudeText = cell(columns.longitude);
  const latitude = parseDecimalText(latitudeText, { decimalComma: true });
  const longitude = parseDecimalText(longitudeText, { decimalComma: true });
  const geometry =
    latitude === undefined || longitude === undefined ? undefined : pointGeometry(longitude, latitude);
  if (geometry === undefined || latitude === undefined || longitude === undefined) {
    collector.reject(
      RejectionCode.INVALID_PAYLOAD,
      `Breitengrad '${latitudeText}' and Längengrad '${longitudeText}' are not WGS 84 degrees; the station has no key and is left out.`,
      `line ${line.line}, column "Breitengrad"`,
      `${latitudeText};${longitudeText}`,
    );

    return;
  }

  // NOTE: the -2, -3 suffixes follow file order, so a station added or removed at the same
  // coordinates shifts them.
  const baseKey = `${latitude.toFixed(5)}_${longitude.toFixed(5)}`;
  const count = (keyCounts.get(baseKey) ?? 0) + 1;
  keyCounts.set(baseKey, count);

  const properties = readRegisterProperties(line, columns, collector);
  if (includeOperator && cell(columns.operator) !== '') {
    properties.operator = cell(columns.operator);
  }

  const station: SourceFeature = {
    key: count === 1 ? baseKey : `${baseKey}-${count}`,
    name: [properties.address ?? '', cell(columns.postcodeCity)].filter((part) => part !== '').join(', '),
    geometry,
    properties,
  };
  collector.addFeature(station);
}
