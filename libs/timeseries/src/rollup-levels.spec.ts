import { rollupDatastreamId, selectRollup } from './rollup-levels';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

describe('selectRollup', () => {
  it.each([
    ['a year in days', 365 * DAY_MS, DAY_MS, '1d'],
    ['a year in hours', 365 * DAY_MS, HOUR_MS, '1h'],
    ['a week in days', 7 * DAY_MS, DAY_MS, '1h'],
    ['a month in 6 hours', 30 * DAY_MS, 6 * HOUR_MS, '1h'],
    ['a day in hours', DAY_MS, HOUR_MS, undefined],
    ['a week in 15 minutes', 7 * DAY_MS, 15 * 60_000, undefined],
  ])('picks the level for %s', (_case, rangeMs, intervalMs, level) => {
    expect(selectRollup(rangeMs, intervalMs)).toBe(level);
  });

  it('uses minutes for dense raw data', () => {
    expect(selectRollup(7 * DAY_MS, 15 * 60_000, 10_000)).toBe('1m');
  });

  it('rejects an interval of no whole minutes', () => {
    expect(selectRollup(30 * DAY_MS, 90_000)).toBeUndefined();
  });
});

describe('rollupDatastreamId', () => {
  it('derives the rollup datastream of a source', () => {
    expect(rollupDatastreamId('demo-parking-carree.free_spaces', 'mean', '1h')).toBe('rollup-demo-parking-carree.free_spaces.mean_1h');
  });

  it('keeps dots of nested fields', () => {
    expect(rollupDatastreamId('eui-1.air.temperature', 'count', '1d')).toBe('rollup-eui-1.air.temperature.count_1d');
  });
});
