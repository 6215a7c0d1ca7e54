import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AGGREGATES, type StoredObservation, observationId } from '@stadtdaten/contracts';
import { SqliteTimeSeriesStore } from './sqlite-time-series.adapter';
import { ROLLUP_LEVELS, ROLLUP_LEVEL_MS, ROLLUP_STATS, rollupDatastreamId } from './rollup-levels';
import { aggregateWithRollups } from './rollup-query';
import { bucketStart, statValue, statsOf } from './rollup-stats';

const TENANT = 'darmstadt';
const SOURCE = 'meter-1.power';
const START_MS = Date.parse('2026-01-01T00:00:00Z');
const DAY_MS = 86_400_000;

function observation(datastreamId: string, phenomenonTimeMs: number, result: number): StoredObservation {
  return { id: observationId(TENANT, datastreamId, phenomenonTimeMs), tenant: TENANT, datastreamId, phenomenonTimeMs, resultTimeMs: phenomenonTimeMs, receivedAtMs: phenomenonTimeMs, result, qualityFlags: [], storageProfile: 'onprem-darz' };
}

describe('aggregateWithRollups', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stadtdaten-rollup-query-'));
  const store = new SqliteTimeSeriesStore({ path: join(dir, 'ts.sqlite'), synchronous: 'NORMAL' });

  beforeAll(async () => {
    await store.connect();
    // 20 days of readings every 7 minutes, an irregular wave with negative values.
    const raw: StoredObservation[] = [];
    for (let timeMs = START_MS; timeMs < START_MS + 20 * DAY_MS; timeMs += 7 * 60_000) {
      raw.push(observation(SOURCE, timeMs, Math.round(100 * Math.sin(timeMs / 5_000_000) + (timeMs % 13))));
    }
    const rollups: StoredObservation[] = [];
    for (const level of ROLLUP_LEVELS) {
      const buckets = new Map<number, number[]>();
      for (const reading of raw) {
        const start = bucketStart(reading.phenomenonTimeMs, ROLLUP_LEVEL_MS[level]);
        buckets.set(start, [...(buckets.get(start) ?? []), reading.result as number]);
      }
      for (const [start, values] of buckets) {
        const stats = statsOf(values)!;
        ROLLUP_STATS.forEach((stat) => rollups.push(observation(rollupDatastreamId(SOURCE, stat, level), start, statValue(stats, stat))));
      }
    }
    await store.write([...raw, ...rollups]);
  });

  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const range = { tenant: TENANT, datastreamId: SOURCE, fromMs: START_MS + 5 * 3_600_000 + 17 * 60_000, toMs: START_MS + 19 * DAY_MS + 123_456 };

  it.each(AGGREGATES.filter((aggregate) => aggregate !== 'last'))('equals the raw %s per day', async (aggregate) => {
    const query = { ...range, aggregate, intervalMs: DAY_MS };
    const [fromRollups, fromRaw] = await Promise.all([aggregateWithRollups(store, query, '1d'), store.aggregate(query)]);

    expect(fromRollups.map((point) => point.bucketStartMs)).toEqual(fromRaw.map((point) => point.bucketStartMs));
    expect(fromRollups.map((point) => point.count)).toEqual(fromRaw.map((point) => point.count));
    fromRollups.forEach((point, index) => expect(point.value).toBeCloseTo(fromRaw[index].value!, 9));
  });

  it('equals the raw mean per 6 hours from hour rollups', async () => {
    const query = { ...range, aggregate: 'mean' as const, intervalMs: 6 * 3_600_000 };
    const [fromRollups, fromRaw] = await Promise.all([aggregateWithRollups(store, query, '1h'), store.aggregate(query)]);

    expect(fromRollups).toHaveLength(fromRaw.length);
    fromRollups.forEach((point, index) => expect(point.value).toBeCloseTo(fromRaw[index].value!, 9));
  });

  it('reads raw data outside the rollup span', async () => {
    const query = { ...range, aggregate: 'mean' as const, intervalMs: DAY_MS };
    const span = { fromMs: START_MS + 4 * DAY_MS, toMs: START_MS + 11 * DAY_MS };
    const [fromRollups, fromRaw] = await Promise.all([aggregateWithRollups(store, query, '1d', span), store.aggregate(query)]);

    expect(fromRollups.map((point) => point.count)).toEqual(fromRaw.map((point) => point.count));
    fromRollups.forEach((point, index) => expect(point.value).toBeCloseTo(fromRaw[index].value!, 9));
  });

  it('reads only raw data when the span holds no whole bucket', async () => {
    const query = { ...range, aggregate: 'sum' as const, intervalMs: DAY_MS };
    const span = { fromMs: START_MS + 4 * DAY_MS + 1, toMs: START_MS + 5 * DAY_MS };

    expect(await aggregateWithRollups(store, query, '1d', span)).toEqual(await store.aggregate(query));
  });

  it('reads last from the raw data', async () => {
    const query = { ...range, aggregate: 'last' as const, intervalMs: DAY_MS };

    expect(await aggregateWithRollups(store, query, '1d')).toEqual(await store.aggregate(query));
  });

  it('rejects a level that does not divide the interval', async () => {
    await expect(aggregateWithRollups(store, { ...range, aggregate: 'mean', intervalMs: 30 * 60_000 }, '1h')).rejects.toThrow('does not divide');
  });
});
