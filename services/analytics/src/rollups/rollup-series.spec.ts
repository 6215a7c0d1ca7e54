import { createSeries, isDue, markComputed } from './rollup-series';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const MIDNIGHT_MS = Date.UTC(2026, 11, 5);

describe('isDue', () => {
  it('takes an ended bucket at once', () => {
    const state = createSeries('darmstadt', 'thermo-1.temperature');
    markComputed(state, HOUR_MS, MIDNIGHT_MS, MIDNIGHT_MS + HOUR_MS + 1000);

    expect(isDue(state, MIDNIGHT_MS, HOUR_MS, 5 * 60_000, MIDNIGHT_MS + HOUR_MS + 2000)).toBe(true);
  });

  it('waits the refresh time for an open bucket', () => {
    const state = createSeries('darmstadt', 'thermo-1.temperature');
    markComputed(state, HOUR_MS, MIDNIGHT_MS, MIDNIGHT_MS + 60_000);

    expect(isDue(state, MIDNIGHT_MS, HOUR_MS, 5 * 60_000, MIDNIGHT_MS + 2 * 60_000)).toBe(false);
    expect(isDue(state, MIDNIGHT_MS, HOUR_MS, 5 * 60_000, MIDNIGHT_MS + 6 * 60_000)).toBe(true);
  });

  it('keeps the first hour and its day apart', () => {
    const state = createSeries('darmstadt', 'thermo-1.temperature');
    markComputed(state, HOUR_MS, MIDNIGHT_MS, MIDNIGHT_MS + 60_000);

    expect(isDue(state, MIDNIGHT_MS, DAY_MS, HOUR_MS, MIDNIGHT_MS + 2 * 60_000)).toBe(true);
  });
});
