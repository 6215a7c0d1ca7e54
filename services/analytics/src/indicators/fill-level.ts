import type { TimedValue } from '../forecast/time-grid';

const HOUR_MS = 3_600_000;

/** When a container reaches the threshold, as the fill-level forecast finds it. */
export interface FillForecast {
  /** Time the threshold is or was reached, UTC epoch milliseconds. */
  reachesAtMs: number;
  /** Filling rate of the fitted line, percentage points per hour. */
  ratePerHour: number;
}

/**
 * Fits a straight line to the readings since the last emptying (a drop of at least
 * `emptyingDrop` percentage points between two readings) and returns when the line reaches
 * `threshold`. A container at or above the threshold already returns the time of the first
 * such reading since the emptying. Returns undefined with fewer than `minReadings` readings
 * since the emptying, or when the level does not rise.
 */
export function forecastFillLevel(readings: readonly TimedValue[], threshold: number, emptyingDrop: number, minReadings: number): FillForecast | undefined {
  let start = 0;
  for (let index = 1; index < readings.length; index += 1) {
    if (readings[index - 1].value - readings[index].value >= emptyingDrop) {
      start = index;
    }
  }
  const cycle = readings.slice(start);
  if (cycle.length < minReadings) {
    return undefined;
  }

  const line = fitLine(cycle);
  const reached = cycle.find((reading) => reading.value >= threshold);
  if (reached !== undefined) {
    return { reachesAtMs: reached.timeMs, ratePerHour: line?.slopePerHour ?? 0 };
  }
  if (line === undefined || line.slopePerHour <= 0) {
    return undefined;
  }
  const last = cycle[cycle.length - 1];
  const hours = (threshold - last.value) / line.slopePerHour;

  return { reachesAtMs: last.timeMs + hours * HOUR_MS, ratePerHour: line.slopePerHour };
}

/** Least-squares line through the readings; undefined when all share one time. */
function fitLine(readings: readonly TimedValue[]): { slopePerHour: number } | undefined {
  const t0 = readings[0].timeMs;
  const xs = readings.map((reading) => (reading.timeMs - t0) / HOUR_MS);
  const meanX = xs.reduce((sum, x) => sum + x, 0) / xs.length;
  const meanY = readings.reduce((sum, reading) => sum + reading.value, 0) / readings.length;
  let sxx = 0;
  let sxy = 0;
  xs.forEach((x, index) => {
    sxx += (x - meanX) ** 2;
    sxy += (x - meanX) * (readings[index].value - meanY);
  });

  return sxx === 0 ? undefined : { slopePerHour: sxy / sxx };
}
