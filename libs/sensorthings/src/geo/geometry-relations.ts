import type { Geometry } from '../filter-values';
import {
  type Parts,
  boundarySegmentsOf,
  boundaryVertices,
  dimension,
  distanceToParts,
  interiorSamples,
  lineLength,
  locate,
  partsOf,
  samplePoints,
  segmentsCrossProperly,
  segmentsIntersect,
  segmentsOf,
  vertices,
} from './geometry-parts';

// Planar geometry predicates and measures on longitude/latitude. Distances and lengths are in
// degrees, the "units of the server" that SensorThings 1.1 leaves open. The curvature of the
// Earth is ignored; at city scale a degree of longitude is about 72 km and of latitude 111 km.

export function geometryIntersects(a: Geometry, b: Geometry): boolean {
  const left = partsOf(a);
  const right = partsOf(b);

  return (
    vertices(left).some((p) => locate(p, right) !== 'exterior') ||
    vertices(right).some((p) => locate(p, left) !== 'exterior') ||
    segmentsOf(left).some((s) => segmentsOf(right).some((t) => segmentsIntersect(s, t)))
  );
}

export function geometryDisjoint(a: Geometry, b: Geometry): boolean {
  return !geometryIntersects(a, b);
}

/** Minimum planar distance in degrees; 0 when the geometries intersect. */
export function geometryDistance(a: Geometry, b: Geometry): number {
  if (geometryIntersects(a, b)) {
    return 0;
  }
  const left = partsOf(a);
  const right = partsOf(b);
  let best = Number.POSITIVE_INFINITY;
  for (const p of vertices(left)) {
    best = Math.min(best, distanceToParts(p, right));
  }
  for (const p of vertices(right)) {
    best = Math.min(best, distanceToParts(p, left));
  }

  return best;
}

/** Length of the lines of a geometry in degrees; points and polygons have length 0. */
export function geometryLength(a: Geometry): number {
  return partsOf(a).lines.reduce((sum, line) => sum + lineLength(line), 0);
}

/**
 * True when every point of `a` lies in `b` and their interiors meet. It checks the vertices,
 * segment midpoints and one interior point per polygon of `a`, proper crossings of the edges,
 * and vertices of `b` inside `a`.
 * NOTE: a segment of `a` that leaves `b` and comes back between two checked points is missed.
 */
export function geometryWithin(a: Geometry, b: Geometry): boolean {
  const inner = partsOf(a);
  const outer = partsOf(b);
  if (dimension(inner) > dimension(outer)) {
    return false;
  }
  const samples = samplePoints(inner);
  const located = samples.map((p) => locate(p, outer));
  if (located.some((where) => where === 'exterior') || !located.some((where) => where === 'interior')) {
    return false;
  }
  if (segmentsOf(inner).some((s) => boundarySegmentsOf(outer).some((t) => segmentsCrossProperly(s, t)))) {
    return false;
  }
  // A boundary of b that runs through the interior of a (such as a hole) puts part of a outside b.
  return !boundaryVertices(outer).some((p) => locate(p, inner) === 'interior' && dimension(inner) === 2);
}

export function geometryContains(a: Geometry, b: Geometry): boolean {
  return geometryWithin(b, a);
}

export function geometryEquals(a: Geometry, b: Geometry): boolean {
  return geometryWithin(a, b) && geometryWithin(b, a);
}

/** True when the geometries meet only at their boundaries. */
export function geometryTouches(a: Geometry, b: Geometry): boolean {
  if (dimension(partsOf(a)) === 0 && dimension(partsOf(b)) === 0) {
    return false;
  }

  return geometryIntersects(a, b) && !interiorsIntersect(partsOf(a), partsOf(b));
}

/** True when geometries of the same dimension share interior points and neither contains the other. */
export function geometryOverlaps(a: Geometry, b: Geometry): boolean {
  const left = partsOf(a);
  const right = partsOf(b);
  if (dimension(left) !== dimension(right)) {
    return false;
  }

  return interiorsIntersect(left, right) && !geometryWithin(a, b) && !geometryWithin(b, a);
}

/**
 * True when a line crosses another line at interior points, or runs both inside and outside
 * of a polygon (in either order of the arguments).
 */
export function geometryCrosses(a: Geometry, b: Geometry): boolean {
  const left = partsOf(a);
  const right = partsOf(b);
  const [low, high] = dimension(left) <= dimension(right) ? [left, right] : [right, left];
  if (dimension(low) === 1 && dimension(high) === 1) {
    return segmentsOf(low).some((s) => segmentsOf(high).some((t) => segmentsCrossProperly(s, t)));
  }
  if (dimension(high) === 2 && dimension(low) < 2) {
    const located = samplePoints(low).map((p) => locate(p, high));
    // A proper crossing of an edge leads from the inside to the outside.
    const crossesEdge = segmentsOf(low).some((s) =>
      boundarySegmentsOf(high).some((t) => segmentsCrossProperly(s, t)),
    );

    return crossesEdge || (located.includes('interior') && located.includes('exterior'));
  }

  return false;
}

function interiorsIntersect(left: Parts, right: Parts): boolean {
  if (interiorSamples(left).some((p) => locate(p, right) === 'interior')) {
    return true;
  }
  if (interiorSamples(right).some((p) => locate(p, left) === 'interior')) {
    return true;
  }
  if (vertices(left).some((p) => locate(p, right) === 'interior' && dimension(right) === 2)) {
    return true;
  }
  if (vertices(right).some((p) => locate(p, left) === 'interior' && dimension(left) === 2)) {
    return true;
  }

  return segmentsOf(left).some((s) => segmentsOf(right).some((t) => segmentsCrossProperly(s, t)));
}
