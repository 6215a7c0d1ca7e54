/** A reading as the grid takes it. */
export interface TimedValue {
  timeMs: number;
  value: number;
}

/**
 * Samples readings onto a grid of `slots` slots of `stepMs` from `startMs`. A slot's value is
 * the last reading before the slot's start, which is what was known at that time. It is carried
 * forward for at most `maxFillMs`, and NaN where there is none. Readings must be sorted by time.
 */
export function toGrid(readings: readonly TimedValue[], startMs: number, slots: number, stepMs: number, maxFillMs: number): Float64Array {
  const grid = new Float64Array(slots).fill(Number.NaN);
  let next = 0;
  let value = Number.NaN;
  let valueTimeMs = Number.NEGATIVE_INFINITY;
  for (let slot = 0; slot < slots; slot += 1) {
    const slotMs = startMs + slot * stepMs;
    while (next < readings.length && readings[next].timeMs < slotMs) {
      value = readings[next].value;
      valueTimeMs = readings[next].timeMs;
      next += 1;
    }
    grid[slot] = slotMs - valueTimeMs <= maxFillMs ? value : Number.NaN;
  }

  return grid;
}

/**
 * Turns per-bucket last values (the store's `last` aggregate, buckets of `stepMs`) into
 * readings timed just before their bucket's end, which is when each became known.
 */
export function bucketLastReadings(points: readonly { bucketStartMs: number; value: number | null }[], stepMs: number): TimedValue[] {
  return points
    .filter((point) => point.value !== null && Number.isFinite(point.value))
    .map((point) => ({ timeMs: point.bucketStartMs + stepMs - 1, value: point.value as number }));
}
