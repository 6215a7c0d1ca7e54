import { RejectionCode, RejectionError } from '@stadtdaten/contracts';
import { invalidPayload } from './payload-shape.guards';
import { checkNotBefore1990, parseInstant } from './timestamp.parser';
import { formatValue } from './value.formatter';

/** One row of a sensor.community daily archive CSV. */
export interface SensorCommunityArchiveRow {
  sensorId: string;
  /** Sensor model, e.g. SDS011, BME280. */
  sensorType: string;
  /** Station id. */
  location: string;
  /** Latitude and longitude as published (rounded to 3 decimals); undefined when the cell is empty. */
  lat: number | undefined;
  lon: number | undefined;
  /** UTC epoch ms. */
  timeMs: number;
  /** Value columns by header name (P1, P2, temperature, ...); empty cells are left out. */
  values: Record<string, number>;
}

const FIXED_COLUMNS = ['sensor_id', 'sensor_type', 'location', 'lat', 'lon', 'timestamp'] as const;

type FixedColumn = (typeof FIXED_COLUMNS)[number];

const NUMERIC_TEXT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Parses a daily archive CSV of archive.sensor.community: `;`-separated, a header line, the
 * columns sensor_id;sensor_type;location;lat;lon;timestamp and then one column per value
 * (P1;durP1;ratioP1;P2;... for SDS011). Timestamps are ISO 8601 without offset in UTC. Throws
 * RejectionError (INVALID_PAYLOAD, WRONG_TYPE or INVALID_TIMESTAMP) naming the line of the
 * first bad row, because a replay must not skip rows silently.
 */
export function parseSensorCommunityArchiveCsv(text: string): SensorCommunityArchiveRow[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const header = lines[0].split(';').map((name) => name.trim());
  const columns = indexFixedColumns(header);
  const valueColumns = header
    .map((name, index) => ({ name, index }))
    .filter(({ name }) => !(FIXED_COLUMNS as readonly string[]).includes(name) && name !== '');

  const rows: SensorCommunityArchiveRow[] = [];
  lines.slice(1).forEach((line, offset) => {
    if (line.trim() !== '') {
      // NOTE: cells are split at every ';' because the archive does not quote cells,
      // so a quoted ';' would break a row.
      rows.push(parseRow(line.split(';'), columns, valueColumns, offset + 2));
    }
  });

  return rows;
}

function indexFixedColumns(header: string[]): Record<FixedColumn, number> {
  const missing = FIXED_COLUMNS.filter((name) => !header.includes(name));
  if (missing.length > 0) {
    throw invalidPayload(
      `The sensor.community archive header lacks the column(s) ${missing.join(', ')}; ` +
        `expected ${FIXED_COLUMNS.join(';')} followed by value columns.`,
    );
  }

  return Object.fromEntries(FIXED_COLUMNS.map((name) => [name, header.indexOf(name)])) as Record<
    FixedColumn,
    number
  >;
}

function parseRow(
  cells: string[],
  columns: Record<FixedColumn, number>,
  valueColumns: Array<{ name: string; index: number }>,
  lineNumber: number,
): SensorCommunityArchiveRow {
  const cell = (index: number) => (cells[index] ?? '').trim();
  const rawTime = cell(columns.timestamp);
  const values: Record<string, number> = {};
  for (const { name, index } of valueColumns) {
    const number = parseCell(cell(index), name, lineNumber);
    if (number !== undefined) {
      values[name] = number;
    }
  }

  return {
    sensorId: cell(columns.sensor_id),
    sensorType: cell(columns.sensor_type),
    location: cell(columns.location),
    lat: parseCell(cell(columns.lat), 'lat', lineNumber),
    lon: parseCell(cell(columns.lon), 'lon', lineNumber),
    timeMs: parseArchiveTime(rawTime, lineNumber),
    values,
  };
}

function parseCell(text: string, column: string, lineNumber: number): number | undefined {
  if (text === '') {
    return undefined;
  }
  if (!NUMERIC_TEXT.test(text)) {
    throw new RejectionError(
      RejectionCode.WRONG_TYPE,
      `Line ${lineNumber} of the sensor.community archive has ${formatValue(text)} in column ${column}; expected a decimal number.`,
      { field: column, details: { lineNumber } },
    );
  }

  return Number(text);
}

function parseArchiveTime(rawTime: string, lineNumber: number): number {
  try {
    const timeMs = parseInstant(rawTime, { timeZone: 'UTC', field: 'timestamp' });
    // The archive lies in the past, so only the lower bound applies.
    checkNotBefore1990(timeMs, rawTime, 'timestamp');

    return timeMs;
  } catch (error) {
    if (!(error instanceof RejectionError)) {
      throw error;
    }
    throw new RejectionError(
      RejectionCode.INVALID_TIMESTAMP,
      `Line ${lineNumber} of the sensor.community archive: ${error.message}`,
      {
        cause: error,
        field: 'timestamp',
        details: { lineNumber },
      },
    );
  }
}
