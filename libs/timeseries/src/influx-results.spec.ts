import type { StoredObservation } from '@stadtdaten/contracts';

import { combineBuckets, mergeObservations, newestPerDatastream, sharedBuckets } from './influx-results';

function makeObservation(overrides: Partial<StoredObservation>): StoredObservation {
  return {
    id: 'id',
    tenant: 't',
    datastreamId: 'ds',
    phenomenonTimeMs: 0,
    resultTimeMs: 0,
    receivedAtMs: 0,
    result: 1,
    qualityFlags: [],
    storageProfile: 'de',
    ...overrides,
  };
}

describe('influx results', () => {
  describe('mergeObservations', () => {
    it('sorts, deduplicates by time and limits', () => {
      const merged = mergeObservations(
        [
          makeObservation({ phenomenonTimeMs: 2, result: 'old', receivedAtMs: 1 }),
          makeObservation({ phenomenonTimeMs: 1 }),
          makeObservation({ phenomenonTimeMs: 3 }),
          makeObservation({ phenomenonTimeMs: 2, result: 'new', receivedAtMs: 5 }),
        ],
        'desc',
        2,
      );

      expect(merged.map((observation) => [observation.phenomenonTimeMs, observation.result])).toEqual([
        [3, 1],
        [2, 'new'],
      ]);
    });
  });

  describe('newestPerDatastream', () => {
    it('keeps the newest per datastream', () => {
      const newest = newestPerDatastream([
        makeObservation({ datastreamId: 'a', phenomenonTimeMs: 5 }),
        makeObservation({ datastreamId: 'a', phenomenonTimeMs: 9 }),
        makeObservation({ datastreamId: 'b', phenomenonTimeMs: 1 }),
      ]);

      expect(newest.get('a')?.phenomenonTimeMs).toBe(9);
      expect(newest.get('b')?.phenomenonTimeMs).toBe(1);
    });
  });

  describe('combineBuckets', () => {
    const partials = [
      { bucketStartMs: 0, value: 10, count: 2, source: 0 },
      { bucketStartMs: 0, value: 5, count: 3, source: 1 },
      { bucketStartMs: 60_000, value: 4, count: 1, source: 1 },
    ];

    it.each([
      ['mean', 3, 4],
      ['sum', 15, 4],
      ['min', 5, 4],
      ['max', 10, 4],
      ['count', 5, 1],
    ] as const)('merges %s across sources', (aggregate, firstValue, secondValue) => {
      const points = combineBuckets(aggregate, partials);

      expect(points).toEqual([
        { bucketStartMs: 0, value: firstValue, count: 5 },
        { bucketStartMs: 60_000, value: secondValue, count: 1 },
      ]);
    });

    it('takes resolved last values for shared buckets', () => {
      const points = combineBuckets('last', partials, new Map([[0, 10]]));

      expect(points.map((point) => point.value)).toEqual([10, 4]);
      expect([...sharedBuckets(partials).keys()]).toEqual([0]);
    });
  });
});
