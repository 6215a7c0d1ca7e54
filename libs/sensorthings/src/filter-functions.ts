import {
  geometryContains,
  geometryCrosses,
  geometryDisjoint,
  geometryDistance,
  geometryEquals,
  geometryIntersects,
  geometryLength,
  geometryOverlaps,
  geometryTouches,
  geometryWithin,
} from './geo/geometry-relations';
import {
  DateTimeValue,
  DateValue,
  type FilterValue,
  type Geometry,
  GeometryValue,
  IntervalValue,
  TimeValue,
  parseTemporal,
} from './filter-values';

/** Facts an expression may read besides the entity: the time that now() returns. */
export interface EvaluationContext {
  nowMs: number;
}

interface FilterFunction {
  minArgs: number;
  maxArgs: number;
  apply(args: FilterValue[], context: EvaluationContext): FilterValue;
}

const MIN_DATETIME_MS = Date.parse('0001-01-01T00:00:00Z');
const MAX_DATETIME_MS = Date.parse('9999-12-31T23:59:59.999Z');
const GEOMETRY_TYPES = new Set([
  'Point',
  'MultiPoint',
  'LineString',
  'MultiLineString',
  'Polygon',
  'MultiPolygon',
  'GeometryCollection',
]);

/**
 * The built-in functions of SensorThings 1.1 $filter, plus `contains` of OData 4.0. A
 * function applied to a value of the wrong type returns null, so the comparison around it
 * is false, as for a missing property.
 */
export const FILTER_FUNCTIONS: Readonly<Record<string, FilterFunction>> = {
  substringof: text2((needle, haystack) => haystack.includes(needle)),
  contains: text2((haystack, needle) => haystack.includes(needle)),
  endswith: text2((text, suffix) => text.endsWith(suffix)),
  startswith: text2((text, prefix) => text.startsWith(prefix)),
  length: text1((text) => text.length),
  indexof: text2((text, part) => text.indexOf(part)),
  substring: { minArgs: 2, maxArgs: 3, apply: substring },
  tolower: text1((text) => text.toLowerCase()),
  toupper: text1((text) => text.toUpperCase()),
  trim: text1((text) => text.trim()),
  concat: text2((a, b) => a + b),
  year: date1((local) => local.getUTCFullYear()),
  month: date1((local) => local.getUTCMonth() + 1),
  day: date1((local) => local.getUTCDate()),
  hour: date1((local) => local.getUTCHours()),
  minute: date1((local) => local.getUTCMinutes()),
  second: date1((local) => local.getUTCSeconds()),
  fractionalseconds: date1((local) => local.getUTCMilliseconds() / 1000),
  date: date1((local) => new DateValue(local.toISOString().slice(0, 10))),
  time: date1((local) => new TimeValue(local.toISOString().slice(11, 23))),
  totaloffsetminutes: { minArgs: 1, maxArgs: 1, apply: ([value]) => instantOf(value)?.offsetMinutes ?? null },
  now: { minArgs: 0, maxArgs: 0, apply: (_args, context) => new DateTimeValue(context.nowMs) },
  mindatetime: { minArgs: 0, maxArgs: 0, apply: () => new DateTimeValue(MIN_DATETIME_MS) },
  maxdatetime: { minArgs: 0, maxArgs: 0, apply: () => new DateTimeValue(MAX_DATETIME_MS) },
  round: number1((n) => Math.sign(n) * Math.round(Math.abs(n))),
  floor: number1(Math.floor),
  ceiling: number1(Math.ceil),
  'geo.distance': geometry2(geometryDistance),
  'geo.length': {
    minArgs: 1,
    maxArgs: 1,
    apply: ([g]) => (geometryOf(g) === undefined ? null : geometryLength(geometryOf(g)!)),
  },
  'geo.intersects': geometry2(geometryIntersects),
  st_equals: geometry2(geometryEquals),
  st_disjoint: geometry2(geometryDisjoint),
  st_touches: geometry2(geometryTouches),
  st_within: geometry2(geometryWithin),
  st_overlaps: geometry2(geometryOverlaps),
  st_crosses: geometry2(geometryCrosses),
  st_intersects: geometry2(geometryIntersects),
  st_contains: geometry2(geometryContains),
};

/** Functions of the standard that this implementation rejects, with the reason. */
export const UNSUPPORTED_FUNCTIONS: Readonly<Record<string, string>> = {
  st_relate:
    'DE-9IM pattern matching is not implemented; use st_intersects, st_within, st_contains, st_touches, st_overlaps or st_crosses',
};

/** Reads a geometry from a geography literal, a GeoJSON geometry or a GeoJSON Feature. */
export function geometryOf(value: FilterValue): Geometry | undefined {
  if (value instanceof GeometryValue) {
    return value.geometry;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return undefined;
  }
  const object = value as { type?: unknown; geometry?: unknown };
  if (object.type === 'Feature' && typeof object.geometry === 'object' && object.geometry !== null) {
    return geometryOf(object.geometry as FilterValue);
  }

  return typeof object.type === 'string' && GEOMETRY_TYPES.has(object.type)
    ? (value as unknown as Geometry)
    : undefined;
}

/** Reads an instant from a datetime value or an ISO 8601 string; an interval gives its start. */
function instantOf(value: FilterValue): DateTimeValue | undefined {
  if (value instanceof DateTimeValue) {
    return value;
  }
  if (value instanceof IntervalValue) {
    return new DateTimeValue(value.startMs);
  }
  if (typeof value !== 'string') {
    return undefined;
  }
  const parsed = parseTemporal(value);

  return parsed instanceof IntervalValue ? new DateTimeValue(parsed.startMs) : parsed;
}

function text1(body: (text: string) => FilterValue): FilterFunction {
  return { minArgs: 1, maxArgs: 1, apply: ([a]) => (typeof a === 'string' ? body(a) : null) };
}

function text2(body: (a: string, b: string) => FilterValue): FilterFunction {
  return {
    minArgs: 2,
    maxArgs: 2,
    apply: ([a, b]) => (typeof a === 'string' && typeof b === 'string' ? body(a, b) : null),
  };
}

function substring([text, start, length]: FilterValue[]): FilterValue {
  if (
    typeof text !== 'string' ||
    typeof start !== 'number' ||
    (length !== undefined && typeof length !== 'number')
  ) {
    return null;
  }
  const from = Math.max(0, Math.trunc(start));

  return length === undefined ? text.slice(from) : text.slice(from, from + Math.max(0, Math.trunc(length)));
}

function date1(body: (local: Date) => FilterValue): FilterFunction {
  return {
    minArgs: 1,
    maxArgs: 1,
    apply: ([value]) => {
      const instant = instantOf(value);

      return instant === undefined ? null : body(instant.localFields());
    },
  };
}

function number1(body: (n: number) => number): FilterFunction {
  return { minArgs: 1, maxArgs: 1, apply: ([n]) => (typeof n === 'number' ? body(n) : null) };
}

function geometry2(body: (a: Geometry, b: Geometry) => FilterValue): FilterFunction {
  return {
    minArgs: 2,
    maxArgs: 2,
    apply: ([a, b]) => {
      const left = geometryOf(a);
      const right = geometryOf(b);

      return left === undefined || right === undefined ? null : body(left, right);
    },
  };
}
