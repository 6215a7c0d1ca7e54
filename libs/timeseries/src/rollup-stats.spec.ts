import { bucketStart, mergeStats, statValue, statsOf } from './rollup-stats';

describe('statsOf', () => {
  it('counts, sums and finds the extremes', () => {
    const stats = statsOf([3, -1, 4, 1.5])!;

    expect(stats).toEqual({ count: 4, sum: 7.5, min: -1, max: 4 });
    expect(statValue(stats, 'mean')).toBeCloseTo(1.875, 12);
  });

  it('returns undefined for no values', () => {
    expect(statsOf([])).toBeUndefined();
  });
});

describe('mergeStats', () => {
  it('equals the stats of all values', () => {
    expect(mergeStats(statsOf([1, 2]), statsOf([10, -5]))).toEqual(statsOf([1, 2, 10, -5]));
  });

  it('keeps one side when the other is empty', () => {
    expect(mergeStats(undefined, statsOf([2]))).toEqual(statsOf([2]));
  });
});

describe('bucketStart', () => {
  it('aligns to UTC multiples', () => {
    expect(bucketStart(Date.parse('2026-03-29T01:59:59Z'), 3_600_000)).toBe(Date.parse('2026-03-29T01:00:00Z'));
  });
});
