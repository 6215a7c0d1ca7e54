import { RejectionCode } from '@stadtdaten/contracts';
import type { CsvLine } from '../common/csv-lines.parser';
import type { SourceResultCollector } from '../common/source-result.collector';
import { parseDecimalText, parseIntegerText } from '../common/source-value.parser';

/** Column indexes of the Ladesäulenregister; -1 for a column the file lacks. */
export interface RegisterColumns {
  operator: number;
  address: number;
  postcodeCity: number;
  state: number;
  longitude: number;
  latitude: number;
  commissioned: number;
  powerKw: number;
  chargingType: number;
  chargePoints: number;
  points: Array<{ n: number; connectors: number; powerKw: number; publicKey: number }>;
}

type Properties = Record<string, string | number | boolean>;

const DAY_MS = 86_400_000;
/** Day 0 of Excel's 1900 date system as used for serial numbers above 60: 1899-12-30. */
const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);
const GERMAN_DATE = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/;
const POSTCODE_CITY = /^(\d{5})\s+(.+)$/;

/**
 * Reads the descriptive columns of one register row into feature properties. Empty cells are
 * left out; unreadable numbers and dates become problems and are left out too.
 */
export function readRegisterProperties(
  line: CsvLine,
  columns: RegisterColumns,
  collector: SourceResultCollector,
): Properties {
  const cell = (index: number) => (index < 0 ? '' : (line.record[index] ?? '').trim());
  const position = (name: string) => `line ${line.line}, column "${name}"`;
  const properties: Properties = {};

  const address = cell(columns.address).replace(/\s+/g, ' ');
  if (address !== '') {
    properties.address = address;
  }
  const postcodeCity = cell(columns.postcodeCity);
  const split = POSTCODE_CITY.exec(postcodeCity);
  if (split !== null) {
    properties.postcode = split[1];
    properties.city = split[2];
  } else if (postcodeCity !== '') {
    properties.city = postcodeCity;
  }
  copyText(cell(columns.state), 'state', properties);
  copyText(cell(columns.chargingType), 'charging_type', properties);

  const commissioned = cell(columns.commissioned);
  if (commissioned !== '') {
    const date = readRegisterDate(commissioned);
    if (date === undefined) {
      collector.reject(
        RejectionCode.INVALID_PAYLOAD,
        `Inbetriebnahmedatum '${commissioned}' is neither an Excel day number nor dd.mm.yyyy.`,
        position('Inbetriebnahmedatum'),
        commissioned,
      );
    } else {
      properties.commissioned = date;
    }
  }

  copyNumber(cell(columns.powerKw), 'power_kw', position('Anschlussleistung [kW]'), properties, collector);
  copyCount(
    cell(columns.chargePoints),
    'charge_points',
    position('Anzahl Ladepunkte'),
    properties,
    collector,
  );
  for (const point of columns.points) {
    copyText(cell(point.connectors), `point_${point.n}_connectors`, properties);
    copyNumber(
      cell(point.powerKw),
      `point_${point.n}_power_kw`,
      position(`P${point.n} [kW]`),
      properties,
      collector,
    );
    copyText(cell(point.publicKey), `point_${point.n}_public_key`, properties);
  }

  return properties;
}

/** ISO date (yyyy-mm-dd) of an Excel serial day number (43055) or a German date (15.11.2017). */
export function readRegisterDate(text: string): string | undefined {
  const serial = parseIntegerText(text);
  if (serial !== undefined) {
    return serial > 60 ? new Date(EXCEL_EPOCH_MS + serial * DAY_MS).toISOString().slice(0, 10) : undefined;
  }

  const german = GERMAN_DATE.exec(text);
  if (german === null) {
    return undefined;
  }

  const [, day, month, year] = german.map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  const valid =
    date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;

  return valid ? date.toISOString().slice(0, 10) : undefined;
}

function copyText(value: string, property: string, properties: Properties): void {
  if (value !== '') {
    properties[property] = value;
  }
}

function copyNumber(
  text: string,
  property: string,
  position: string,
  properties: Properties,
  collector: SourceResultCollector,
) {
  if (text === '') {
    return;
  }

  const value = parseDecimalText(text, { decimalComma: true });
  if (value === undefined) {
    collector.reject(RejectionCode.INVALID_PAYLOAD, `'${text}' is not a number of kW.`, position, text);

    return;
  }
  properties[property] = value;
}

function copyCount(
  text: string,
  property: string,
  position: string,
  properties: Properties,
  collector: SourceResultCollector,
) {
  if (text === '') {
    return;
  }

  const value = parseIntegerText(text);
  if (value === undefined || value < 0) {
    collector.reject(
      RejectionCode.INVALID_PAYLOAD,
      `'${text}' is not a number of charge points.`,
      position,
      text,
    );

    return;
  }
  properties[property] = value;
}
