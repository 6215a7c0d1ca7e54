import { forecastFillLevel } from './fill-level';

const HOUR_MS = 3_600_000;
const readings = (values: number[]) => values.map((value, hour) => ({ timeMs: hour * HOUR_MS, value }));

describe('forecastFillLevel', () => {
  it('extends the trend since the last emptying', () => {
    const forecast = forecastFillLevel(readings([70, 85, 10, 20, 30, 40]), 80, 20, 3)!;

    expect(forecast.ratePerHour).toBeCloseTo(10, 9);
    expect(forecast.reachesAtMs).toBe(9 * HOUR_MS);
  });

  it('returns the first reading at or above the threshold', () => {
    expect(forecastFillLevel(readings([60, 70, 81, 84]), 80, 20, 3)!.reachesAtMs).toBe(2 * HOUR_MS);
  });

  it('gives no time for a falling level', () => {
    expect(forecastFillLevel(readings([50, 45, 44, 40]), 80, 20, 3)).toBeUndefined();
  });

  it('needs minReadings since the emptying', () => {
    expect(forecastFillLevel(readings([90, 10, 20]), 80, 20, 3)).toBeUndefined();
  });
});
