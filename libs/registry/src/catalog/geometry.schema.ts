import { z } from 'zod';
import type { GeoJsonGeometry } from '@stadtdaten/contracts';
import { showValue } from './catalog-problems';

type Path = Array<string | number>;
type Report = (path: Path, message: string) => void;

const GEOMETRY_TYPES = ['Point', 'LineString', 'Polygon', 'MultiPolygon'] as const;

/**
 * A GeoJSON geometry (RFC 7946) in WGS 84 with positions as [longitude, latitude] or
 * [longitude, latitude, altitude]. Every problem is reported with its path inside the geometry.
 */
export const geometrySchema = z.unknown().transform((value, ctx) => {
  const report: Report = (path, message) => ctx.addIssue({ code: 'custom', message, path });
  checkGeometry(value, report);

  return value as GeoJsonGeometry;
});

function checkGeometry(value: unknown, report: Report): void {
  if (value === undefined || value === null) {
    report(
      [],
      'missing; add a GeoJSON geometry, e.g. { type: Point, coordinates: [8.6512, 49.8727] } (longitude first)',
    );

    return;
  }
  if (typeof value !== 'object' || Array.isArray(value)) {
    report([], `expected a GeoJSON geometry mapping with "type" and "coordinates", got ${showValue(value)}`);

    return;
  }
  const { type, coordinates, ...rest } = value as Record<string, unknown>;
  for (const key of Object.keys(rest)) {
    report([key], `unknown key "${key}"; a geometry has only "type" and "coordinates"`);
  }
  if (!GEOMETRY_TYPES.includes(type as (typeof GEOMETRY_TYPES)[number])) {
    report(['type'], `unsupported geometry type ${showValue(type)}; use one of ${GEOMETRY_TYPES.join(', ')}`);

    return;
  }
  const path: Path = ['coordinates'];
  if (type === 'Point') {
    checkPosition(coordinates, path, report);
  } else if (type === 'LineString') {
    checkPositions(coordinates, path, 2, report);
  } else if (type === 'Polygon') {
    checkPolygon(coordinates, path, report);
  } else {
    checkList(coordinates, path, 1, 'polygons', report)?.forEach((polygon, i) =>
      checkPolygon(polygon, [...path, i], report),
    );
  }
}

function checkList(
  value: unknown,
  path: Path,
  minItems: number,
  noun: string,
  report: Report,
): unknown[] | undefined {
  if (!Array.isArray(value) || value.length < minItems) {
    report(path, `expected a list of at least ${minItems} ${noun}, got ${showValue(value)}`);

    return undefined;
  }

  return value;
}

function checkPositions(value: unknown, path: Path, minItems: number, report: Report): unknown[] | undefined {
  const positions = checkList(value, path, minItems, 'positions', report);
  positions?.forEach((position, i) => checkPosition(position, [...path, i], report));

  return positions;
}

function checkPolygon(value: unknown, path: Path, report: Report): void {
  const rings = checkList(value, path, 1, 'linear rings', report);
  rings?.forEach((ring, i) => {
    const positions = checkPositions(ring, [...path, i], 4, report);
    if (positions !== undefined && JSON.stringify(positions[0]) !== JSON.stringify(positions.at(-1))) {
      report(
        [...path, i],
        'a linear ring must end with its first position; repeat the first position at the end',
      );
    }
  });
}

function checkPosition(value: unknown, path: Path, report: Report): void {
  const isNumbers = Array.isArray(value) && value.every((n) => typeof n === 'number' && Number.isFinite(n));
  if (!isNumbers || value.length < 2 || value.length > 3) {
    report(path, `expected a position [longitude, latitude] in degrees, got ${showValue(value)}`);

    return;
  }
  const [longitude, latitude] = value as number[];
  if (longitude < -180 || longitude > 180) {
    report(path, `longitude ${longitude} is outside -180..180; GeoJSON puts longitude first`);
  }
  if (latitude < -90 || latitude > 90) {
    report(path, `latitude ${latitude} is outside -90..90; GeoJSON puts longitude first`);
  }
}
