/** GeoJSON geometry as the geospatial functions take it; coordinates are longitude, latitude. */
export interface Geometry {
  type:
    | 'Point'
    | 'MultiPoint'
    | 'LineString'
    | 'MultiLineString'
    | 'Polygon'
    | 'MultiPolygon'
    | 'GeometryCollection';
  coordinates?: unknown;
  geometries?: Geometry[];
}

/** An instant with the offset it was written in, so year() and hour() read the local fields. */
export class DateTimeValue {
  constructor(
    readonly ms: number,
    readonly offsetMinutes = 0,
  ) {}

  /** Returns a Date shifted by the offset, whose UTC fields are the calendar fields in that offset. */
  localFields(): Date {
    return new Date(this.ms + this.offsetMinutes * 60_000);
  }

  toString(): string {
    if (this.offsetMinutes === 0) {
      return new Date(this.ms).toISOString();
    }
    const sign = this.offsetMinutes < 0 ? '-' : '+';
    const minutes = Math.abs(this.offsetMinutes);
    const offset = `${sign}${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;

    return `${this.localFields().toISOString().slice(0, -1)}${offset}`;
  }
}

/** A time interval `start/end`, as SensorThings writes phenomenonTime of a period. */
export class IntervalValue {
  constructor(
    readonly startMs: number,
    readonly endMs: number,
  ) {}
}

/** A calendar date `YYYY-MM-DD`. */
export class DateValue {
  constructor(readonly text: string) {}
}

/** A time of day `hh:mm:ss.sss`. */
export class TimeValue {
  constructor(readonly text: string) {}
}

export class DurationValue {
  constructor(readonly ms: number) {}
}

export class GeometryValue {
  constructor(readonly geometry: Geometry) {}
}

/** The values a path reaches through a to-many navigation; a comparison holds when it holds for one of them. */
export class ValueList {
  constructor(readonly values: FilterValue[]) {}
}

export type FilterValue =
  | string
  | number
  | boolean
  | null
  | DateTimeValue
  | IntervalValue
  | DateValue
  | TimeValue
  | DurationValue
  | GeometryValue
  | ValueList
  | { readonly [key: string]: unknown }
  | readonly unknown[];

const ISO_DATETIME = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)(Z|[+-]\d{2}:\d{2})$/;

/** Parses an ISO 8601 instant with `Z` or an offset; undefined for any other text. */
export function parseDateTime(text: string): DateTimeValue | undefined {
  const match = ISO_DATETIME.exec(text);
  if (match === null) {
    return undefined;
  }
  const ms = Date.parse(`${match[1].replace(/(\.\d{3})\d+$/, '$1')}${match[2]}`);
  if (!Number.isFinite(ms)) {
    return undefined;
  }
  const offsetMinutes = match[2] === 'Z' ? 0 : offsetOf(match[2]);

  return new DateTimeValue(ms, offsetMinutes);
}

/** Parses a time value as SensorThings stores it: an instant, or an interval `start/end` of two instants. */
export function parseTemporal(text: string): DateTimeValue | IntervalValue | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) {
    return parseDateTime(text);
  }
  const start = parseDateTime(text.slice(0, slash));
  const end = parseDateTime(text.slice(slash + 1));

  return start === undefined || end === undefined ? undefined : new IntervalValue(start.ms, end.ms);
}

/** Reads a value as an instant: a DateTimeValue, or a string in ISO 8601 with a zone. */
export function asDateTime(value: FilterValue): DateTimeValue | undefined {
  if (value instanceof DateTimeValue) {
    return value;
  }

  return typeof value === 'string' ? parseDateTime(value) : undefined;
}

/**
 * Orders two values of the same kind; undefined when they cannot be compared (different
 * kinds, nulls, objects). Strings that hold ISO instants compare as instants against datetime
 * values; strings compare by UTF-16 code units.
 */
export function compareValues(left: FilterValue, right: FilterValue): number | undefined {
  if (typeof left === 'number' && typeof right === 'number') {
    return left - right;
  }
  if (typeof left === 'string' && typeof right === 'string') {
    return compareText(left, right);
  }
  if (typeof left === 'boolean' && typeof right === 'boolean') {
    return Number(left) - Number(right);
  }
  if (left instanceof DurationValue && right instanceof DurationValue) {
    return left.ms - right.ms;
  }
  if (isTemporal(left) || isTemporal(right)) {
    return compareTemporal(left, right);
  }

  return undefined;
}

/** Tests equality: nulls equal each other, JSON objects compare by content. */
export function valuesEqual(left: FilterValue, right: FilterValue): boolean {
  if (left === null || right === null) {
    return left === right;
  }
  if (left instanceof GeometryValue || right instanceof GeometryValue) {
    const a = left instanceof GeometryValue ? left.geometry : left;
    const b = right instanceof GeometryValue ? right.geometry : right;

    return JSON.stringify(a) === JSON.stringify(b);
  }
  const order = compareValues(left, right);
  if (order !== undefined) {
    return order === 0;
  }
  if (typeof left === 'object' && typeof right === 'object') {
    return JSON.stringify(left) === JSON.stringify(right);
  }

  return false;
}

function isTemporal(value: FilterValue): boolean {
  return (
    value instanceof DateTimeValue ||
    value instanceof IntervalValue ||
    value instanceof DateValue ||
    value instanceof TimeValue
  );
}

function compareTemporal(left: FilterValue, right: FilterValue): number | undefined {
  if (left instanceof DateValue || right instanceof DateValue) {
    const a = dateText(left);
    const b = dateText(right);

    return a === undefined || b === undefined ? undefined : compareText(a, b);
  }
  if (left instanceof TimeValue || right instanceof TimeValue) {
    const a = timeText(left);
    const b = timeText(right);

    return a === undefined || b === undefined ? undefined : compareText(a, b);
  }
  const a = temporalOf(left);
  const b = temporalOf(right);
  if (a === undefined || b === undefined) {
    return undefined;
  }
  // An interval is after an instant when it starts after it, and before it when it ends before it.
  if (a.startMs > b.endMs || (a.startMs === b.endMs && a.endMs > b.endMs)) {
    return 1;
  }
  if (a.endMs < b.startMs || (a.endMs === b.startMs && a.startMs < b.startMs)) {
    return -1;
  }

  return a.startMs === b.startMs && a.endMs === b.endMs ? 0 : undefined;
}

function temporalOf(value: FilterValue): { startMs: number; endMs: number } | undefined {
  if (value instanceof IntervalValue) {
    return { startMs: value.startMs, endMs: value.endMs };
  }
  if (value instanceof DateTimeValue) {
    return { startMs: value.ms, endMs: value.ms };
  }
  const parsed = typeof value === 'string' ? parseTemporal(value) : undefined;
  if (parsed instanceof IntervalValue) {
    return { startMs: parsed.startMs, endMs: parsed.endMs };
  }

  return parsed === undefined ? undefined : { startMs: parsed.ms, endMs: parsed.ms };
}

function dateText(value: FilterValue): string | undefined {
  if (value instanceof DateValue) {
    return value.text;
  }
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) {
    return value;
  }
  const instant = asDateTime(value);

  return instant === undefined ? undefined : instant.localFields().toISOString().slice(0, 10);
}

function timeText(value: FilterValue): string | undefined {
  if (value instanceof TimeValue) {
    return normalizeTime(value.text);
  }
  if (typeof value === 'string' && /^\d{2}:\d{2}/.test(value)) {
    return normalizeTime(value);
  }
  const instant = asDateTime(value);

  return instant === undefined ? undefined : instant.localFields().toISOString().slice(11, 23);
}

/** Pads a time of day to `hh:mm:ss.sss`, so that times compare as text. */
export function normalizeTime(text: string): string {
  const [hours, minutes, seconds = '00'] = text.split(':');
  const [whole, fraction = ''] = seconds.split('.');

  return `${hours}:${minutes}:${whole}.${fraction.padEnd(3, '0').slice(0, 3)}`;
}

/** Orders strings by UTF-16 code units, as OData compares them (not by locale). */
export function compareText(a: string, b: string): number {
  if (a === b) {
    return 0;
  }

  return a < b ? -1 : 1;
}

function offsetOf(text: string): number {
  const sign = text.startsWith('-') ? -1 : 1;

  return sign * (Number(text.slice(1, 3)) * 60 + Number(text.slice(4, 6)));
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}
