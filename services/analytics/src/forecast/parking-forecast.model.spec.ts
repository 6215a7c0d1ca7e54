import { fitHorizon, forecastAt, quantile } from './parking-forecast.model';
import { ParkingSeries } from './parking-series';
import { SLOTS_PER_DAY, SlotCalendar } from './slot-calendar';

const START_MS = Date.parse('2026-01-05T00:00:00Z');
const OPTIONS = { trainingDays: 28, halfLifeDays: 7, coverage: 0.8 };

/** Builds a facility whose free spaces repeat every day: 100 at night, 300 at midday. */
function makeSeries(days: number, future = SLOTS_PER_DAY): ParkingSeries {
  const slots = days * SLOTS_PER_DAY + future;
  const grid = new Float64Array(slots).fill(Number.NaN);
  for (let index = 0; index < days * SLOTS_PER_DAY; index += 1) {
    grid[index] = 200 - 100 * Math.cos((2 * Math.PI * (index % SLOTS_PER_DAY)) / SLOTS_PER_DAY);
  }

  return new ParkingSeries(grid, new SlotCalendar(START_MS, slots, 'UTC', 'none'), 3);
}

describe('fitHorizon', () => {
  it('learns a repeating day', () => {
    const series = makeSeries(35);
    const origin = 35 * SLOTS_PER_DAY - 1;
    const fitted = fitHorizon(series, 16, origin, OPTIONS);
    const forecast = forecastAt(series, fitted, origin, 500)!;

    expect(fitted.samples).toBeGreaterThan(1000);
    expect(forecast.fallback).toBe(false);
    expect(forecast.value).toBeCloseTo(series.value(origin + 16 - SLOTS_PER_DAY), 0);
    expect(forecast.lower).toBeLessThanOrEqual(forecast.value);
    expect(forecast.upper).toBeGreaterThanOrEqual(forecast.value);
  });

  it('leaves a short history unfitted', () => {
    const series = makeSeries(3);
    const fitted = fitHorizon(series, 4, 3 * SLOTS_PER_DAY - 1, OPTIONS);

    expect(fitted.weights).toBeUndefined();
  });
});

describe('forecastAt', () => {
  it('falls back to the last value', () => {
    const series = makeSeries(3);
    const origin = 3 * SLOTS_PER_DAY - 1;
    const forecast = forecastAt(series, fitHorizon(series, 4, origin, OPTIONS), origin, 500)!;

    expect(forecast).toEqual({ value: series.value(origin), fallback: true });
  });

  it('clamps to the capacity', () => {
    const series = makeSeries(35);
    const origin = 35 * SLOTS_PER_DAY - 1;
    const forecast = forecastAt(series, fitHorizon(series, 48, origin, OPTIONS), origin, 150)!;

    expect(forecast.value).toBeLessThanOrEqual(150);
  });

  it('gives nothing without a value at the origin', () => {
    const series = makeSeries(35);

    expect(forecastAt(series, { horizon: 4, residualLow: 0, residualHigh: 0, samples: 0 }, 35 * SLOTS_PER_DAY + 5, 500)).toBeUndefined();
  });
});

describe('quantile', () => {
  it('interpolates between values', () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([5, 1, 3], 0)).toBe(1);
    expect(quantile([], 0.9)).toBe(0);
  });
});
