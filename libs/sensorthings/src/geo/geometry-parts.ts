import type { Geometry } from '../filter-values';

// Points, segments and point location for the planar predicates of geometry-relations.ts.

export type Position = [number, number];
type Segment = [Position, Position];
type Location = 'interior' | 'boundary' | 'exterior';

const EPSILON = 1e-12;

/** A geometry split into points, lines and polygons (outer ring first, then holes). */
export interface Parts {
  points: Position[];
  lines: Position[][];
  polygons: Position[][][];
}

export function partsOf(geometry: Geometry): Parts {
  const parts: Parts = { points: [], lines: [], polygons: [] };
  collect(geometry, parts);

  return parts;
}

function collect(geometry: Geometry, parts: Parts): void {
  const coordinates = geometry.coordinates as never;
  switch (geometry.type) {
    case 'Point':
      parts.points.push(coordinates);
      break;
    case 'MultiPoint':
      parts.points.push(...(coordinates as Position[]));
      break;
    case 'LineString':
      parts.lines.push(coordinates);
      break;
    case 'MultiLineString':
      parts.lines.push(...(coordinates as Position[][]));
      break;
    case 'Polygon':
      parts.polygons.push(coordinates);
      break;
    case 'MultiPolygon':
      parts.polygons.push(...(coordinates as Position[][][]));
      break;
    case 'GeometryCollection':
      for (const member of geometry.geometries ?? []) {
        collect(member, parts);
      }
      break;
  }
}

export function dimension(parts: Parts): number {
  if (parts.polygons.length > 0) {
    return 2;
  }

  return parts.lines.length > 0 ? 1 : 0;
}

export function vertices(parts: Parts): Position[] {
  return [...parts.points, ...parts.lines.flat(), ...parts.polygons.flat(2)];
}

export function boundaryVertices(parts: Parts): Position[] {
  return parts.polygons.flat(2);
}

/** Vertices, segment midpoints and one interior point per polygon, so that a shape is not judged by its corners alone. */
export function samplePoints(parts: Parts): Position[] {
  return [...vertices(parts), ...segmentsOf(parts).map(midpoint), ...polygonInteriorPoints(parts)];
}

/** Points in the interior of each point, line and polygon of a geometry. */
export function interiorSamples(parts: Parts): Position[] {
  const lineInteriors = parts.lines.flatMap((line) => [
    ...line.slice(1, -1),
    ...segmentsOfLine(line).map(midpoint),
  ]);

  return [...parts.points, ...lineInteriors, ...polygonInteriorPoints(parts)];
}

/** Finds one interior point per polygon: the centroid of the first corner triangle that lies inside it. */
function polygonInteriorPoints(parts: Parts): Position[] {
  const points: Position[] = [];
  for (const polygon of parts.polygons) {
    const ring = polygon[0];
    for (let index = 0; index + 2 < ring.length; index += 1) {
      const [a, b, c] = [ring[index], ring[index + 1], ring[index + 2]];
      const candidate: Position = [(a[0] + b[0] + c[0]) / 3, (a[1] + b[1] + c[1]) / 3];
      if (locateInPolygon(candidate, polygon) === 'interior') {
        points.push(candidate);
        break;
      }
    }
  }

  return points;
}

export function segmentsOf(parts: Parts): Segment[] {
  return [...parts.lines.flatMap(segmentsOfLine), ...boundarySegmentsOf(parts)];
}

export function boundarySegmentsOf(parts: Parts): Segment[] {
  return parts.polygons.flat().flatMap(segmentsOfLine);
}

function segmentsOfLine(line: Position[]): Segment[] {
  const segments: Segment[] = [];
  for (let index = 1; index < line.length; index += 1) {
    segments.push([line[index - 1], line[index]]);
  }

  return segments;
}

/** Locates a point relative to a geometry; interior wins over boundary, and boundary over exterior. */
export function locate(p: Position, parts: Parts): Location {
  let onBoundary = false;
  for (const polygon of parts.polygons) {
    const where = locateInPolygon(p, polygon);
    if (where === 'interior') {
      return 'interior';
    }
    onBoundary ||= where === 'boundary';
  }
  for (const line of parts.lines) {
    const closed = samePosition(line[0], line[line.length - 1]);
    if (!closed && (samePosition(p, line[0]) || samePosition(p, line[line.length - 1]))) {
      onBoundary = true;
      continue;
    }
    if (segmentsOfLine(line).some(([a, b]) => onSegment(p, a, b))) {
      return 'interior';
    }
  }
  if (parts.points.some((point) => samePosition(point, p))) {
    return 'interior';
  }

  return onBoundary ? 'boundary' : 'exterior';
}

function locateInPolygon(p: Position, rings: Position[][]): Location {
  for (const ring of rings) {
    if (segmentsOfLine(ring).some(([a, b]) => onSegment(p, a, b))) {
      return 'boundary';
    }
  }
  if (!insideRing(p, rings[0])) {
    return 'exterior';
  }

  return rings.slice(1).some((hole) => insideRing(p, hole)) ? 'exterior' : 'interior';
}

/** Ray casting; the caller has already handled points on the ring. */
function insideRing(p: Position, ring: Position[]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i, i += 1) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > p[1] !== yj > p[1] && p[0] < ((xj - xi) * (p[1] - yi)) / (yj - yi) + xi) {
      inside = !inside;
    }
  }

  return inside;
}

function orientation(a: Position, b: Position, c: Position): number {
  const value = (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]);

  return Math.abs(value) < EPSILON ? 0 : Math.sign(value);
}

function onSegment(p: Position, a: Position, b: Position): boolean {
  return (
    orientation(a, b, p) === 0 &&
    Math.min(a[0], b[0]) - EPSILON <= p[0] &&
    p[0] <= Math.max(a[0], b[0]) + EPSILON &&
    Math.min(a[1], b[1]) - EPSILON <= p[1] &&
    p[1] <= Math.max(a[1], b[1]) + EPSILON
  );
}

export function segmentsIntersect([a, b]: Segment, [c, d]: Segment): boolean {
  const o1 = orientation(a, b, c);
  const o2 = orientation(a, b, d);
  const o3 = orientation(c, d, a);
  const o4 = orientation(c, d, b);
  if (o1 !== o2 && o3 !== o4) {
    return true;
  }

  return onSegment(c, a, b) || onSegment(d, a, b) || onSegment(a, c, d) || onSegment(b, c, d);
}

/** True when two segments cross at a single point inside both. */
export function segmentsCrossProperly([a, b]: Segment, [c, d]: Segment): boolean {
  const o1 = orientation(a, b, c);
  const o2 = orientation(a, b, d);
  const o3 = orientation(c, d, a);
  const o4 = orientation(c, d, b);

  return o1 * o2 < 0 && o3 * o4 < 0;
}

export function distanceToParts(p: Position, parts: Parts): number {
  let best = Number.POSITIVE_INFINITY;
  for (const point of parts.points) {
    best = Math.min(best, Math.hypot(p[0] - point[0], p[1] - point[1]));
  }
  for (const [a, b] of segmentsOf(parts)) {
    best = Math.min(best, distanceToSegment(p, a, b));
  }

  return best;
}

function distanceToSegment(p: Position, a: Position, b: Position): number {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const squared = dx * dx + dy * dy;
  const t = squared === 0 ? 0 : Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / squared));

  return Math.hypot(p[0] - (a[0] + t * dx), p[1] - (a[1] + t * dy));
}

export function lineLength(line: Position[]): number {
  return segmentsOfLine(line).reduce((sum, [a, b]) => sum + Math.hypot(b[0] - a[0], b[1] - a[1]), 0);
}

function midpoint([a, b]: Segment): Position {
  return [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
}

function samePosition(a: Position, b: Position): boolean {
  return Math.abs(a[0] - b[0]) < EPSILON && Math.abs(a[1] - b[1]) < EPSILON;
}
