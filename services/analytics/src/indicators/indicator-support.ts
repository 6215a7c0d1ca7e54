import type { DatastreamDto, ThingDto } from '@stadtdaten/registry';

/** Returns the shortest retention of the sources, or undefined (keep until deleted) when none has one. */
export function shortestRetention(sources: readonly DatastreamDto[]): number | undefined {
  const days = sources.map((source) => source.retentionDays).filter((value): value is number => value !== null);

  return days.length === 0 ? undefined : Math.min(...days);
}

/** Mean position of the things that have a point location, rounded to 5 decimals (about 1 m); undefined without any. */
export function centroid(things: readonly ThingDto[]): [number, number] | undefined {
  const points = things
    .map((thing) => thing.location)
    .filter((location) => location.type === 'Point' && Array.isArray(location.coordinates))
    .map((location) => location.coordinates as [number, number]);
  if (points.length === 0) {
    return undefined;
  }
  const mean = (axis: 0 | 1) => Math.round((points.reduce((sum, point) => sum + point[axis], 0) / points.length) * 1e5) / 1e5;

  return [mean(0), mean(1)];
}

/** `timeMs` rounded down to a multiple of `stepMs`. */
export function floorTo(timeMs: number, stepMs: number): number {
  return Math.floor(timeMs / stepMs) * stepMs;
}

export function isNumeric(datastream: DatastreamDto): boolean {
  return datastream.valueSchema.type === 'number' || datastream.valueSchema.type === 'integer';
}
